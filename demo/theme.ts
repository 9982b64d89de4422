// The demo pages' light/dark switch (the header's "Dark theme" toggle button). The pages
// follow the system's scheme until it is used; the choice is kept for the next visit. It sets
// `color-scheme` on the root (demo/demo.css), which drives the page's own light-dark()
// colours and, through the dock, the widget's: one switch themes the whole helpdesk.
export type Theme = 'light' | 'dark';

const KEY = 'chat-playbook-demo-theme';

function stored(): Theme | null {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null; // storage refused (private mode, policies): follow the system
  }
}

function store(theme: Theme): void {
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // not kept: this page load still switches
  }
}

export function setUpThemeSwitch(button = document.getElementById('desk-theme')): void {
  const root = document.documentElement;
  const system = matchMedia('(prefers-color-scheme: dark)');
  let chosen = stored();
  const isDark = () => (chosen ?? (system.matches ? 'dark' : 'light')) === 'dark';
  const apply = () => {
    if (chosen) root.dataset.theme = chosen;
    else delete root.dataset.theme;
    button?.setAttribute('aria-pressed', String(isDark()));
  };
  apply();
  system.addEventListener('change', apply);
  button?.addEventListener('click', () => {
    chosen = isDark() ? 'light' : 'dark';
    store(chosen);
    apply();
  });
}
