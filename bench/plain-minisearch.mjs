// The baseline every search figure is measured against: plain MiniSearch with its default
// options, one document per SOP (the README's "plain MiniSearch over the same SOPs").
import MiniSearch from 'minisearch';

export const PLAIN_FIELDS = ['title', 'purpose', 'tags', 'steps', 'replies'];

export const plainDoc = (s) => ({
  id: s.id,
  title: s.title,
  purpose: s.purpose ?? '',
  tags: s.tags.join(' '),
  steps: s.steps.map((x) => x.text).join(' '),
  replies: s.replies.map((r) => `${r.title} ${r.text}`).join(' '),
});

export function plainIndex(library) {
  const index = new MiniSearch({ fields: PLAIN_FIELDS });
  index.addAll(library.sops.map(plainDoc));
  return index;
}
