// @vitest-environment jsdom
import { render } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { highlightRanges, Markdown, parseInline, safeHref } from '../../src/ui/markdown.tsx';

describe('safe Markdown subset', () => {
  it('parses bold, italics, code and links', () => {
    expect(
      parseInline(
        'Ask for the **order** number, *then* check `SO-1` at [tracking](https://t.example/x)',
      ),
    ).toEqual([
      { kind: 'text', text: 'Ask for the ' },
      { kind: 'strong', children: [{ kind: 'text', text: 'order' }] },
      { kind: 'text', text: ' number, ' },
      { kind: 'em', children: [{ kind: 'text', text: 'then' }] },
      { kind: 'text', text: ' check ' },
      { kind: 'code', text: 'SO-1' },
      { kind: 'text', text: ' at ' },
      { kind: 'link', href: 'https://t.example/x', children: [{ kind: 'text', text: 'tracking' }] },
    ]);
  });

  it('keeps only http(s) and mailto links', () => {
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,hi')).toBeNull();
    expect(safeHref('/relative')).toBeNull();
    expect(safeHref('mailto:help@example.com')).toBe('mailto:help@example.com');
    expect(parseInline('[click](javascript:alert(1))')).not.toContainEqual(
      expect.objectContaining({ kind: 'link' }),
    );
  });

  it('does not take snake_case or multiplication for italics', () => {
    expect(parseInline('use order_id and 2*3*4')).toEqual([
      { kind: 'text', text: 'use order_id and 2*3*4' },
    ]);
  });

  it('renders HTML in SOP text as text, never as markup', () => {
    const { container } = render(<Markdown text={'<img src=x onerror=alert(1)> **bold**'} />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toBe('<img src=x onerror=alert(1)> bold');
    expect(container.querySelector('strong')?.textContent).toBe('bold');
  });

  it('wraps matched terms in <mark>, inside formatting too', () => {
    const { container } = render(
      <Markdown
        text={'Check the **parcels** tracking with https://carrier.example/track.'}
        terms={new Set(['parcel', 'track'])}
      />,
    );
    expect([...container.querySelectorAll('mark')].map((m) => m.textContent)).toEqual([
      'parcels',
      'tracking',
    ]);
    const link = container.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('https://carrier.example/track');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(highlightRanges('refund my money', new Set())).toEqual([]);
  });
});
