// @vitest-environment jsdom
import { render } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { Markdown, safeHref } from '../../src/ui/markdown.tsx';

const html = (text: string, marks?: ReadonlySet<string>) =>
  render(<Markdown text={text} marks={marks} />).container.innerHTML;

describe('safe Markdown subset', () => {
  it('renders bold, italics, code and links', () => {
    expect(
      html('Ask for the **order** number, *then* check `SO-1` at [tracking](https://t.example/x)'),
    ).toBe(
      'Ask for the <strong>order</strong> number, <em>then</em> check <code>SO-1</code> at ' +
        '<a href="https://t.example/x" target="_blank" rel="noopener noreferrer">tracking</a>',
    );
    expect(html('__bold__ and _italics_ and <https://a.example/>')).toBe(
      '<strong>bold</strong> and <em>italics</em> and ' +
        '<a href="https://a.example/" target="_blank" rel="noopener noreferrer">https://a.example/</a>',
    );
  });

  it('keeps only http(s) and mailto links', () => {
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,hi')).toBeNull();
    expect(safeHref('/relative')).toBeNull();
    expect(safeHref('mailto:help@example.com')).toBe('mailto:help@example.com');
    expect(html('[click](javascript:alert(1))')).not.toContain('<a');
    expect(html('[click](javascript:alert(1))')).toContain('click');
  });

  it('does not take snake_case or multiplication for italics', () => {
    expect(html('use order_id and 2*3*4')).toBe('use order_id and 2*3*4');
  });

  it('renders HTML in SOP text as text, never as markup', () => {
    const { container } = render(<Markdown text={'<img src=x onerror=alert(1)> **bold**'} />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toBe('<img src=x onerror=alert(1)> bold');
    expect(container.querySelector('strong')?.textContent).toBe('bold');
  });

  it('wraps the matched words in <mark>, inside formatting too, whatever their case', () => {
    const { container } = render(
      <Markdown
        text={'Check the **Parcels** tracking with https://carrier.example/track.'}
        marks={new Set(['parcels', 'tracking'])}
      />,
    );
    expect([...container.querySelectorAll('mark')].map((m) => m.textContent)).toEqual([
      'Parcels',
      'tracking',
    ]);
    const link = container.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('https://carrier.example/track');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(html('refund my money', new Set())).toBe('refund my money');
  });
});
