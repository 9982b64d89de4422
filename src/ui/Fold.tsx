import type { ComponentChildren } from 'preact';
import type { FoldId } from '../models/view.ts';
import { useStore } from './context.ts';

/**
 * A part of the focused chat the agent can fold away (remembered between page loads): a
 * heading whose button says what is inside ("Checklist · 5 of 9") even while folded.
 */
export function Fold(props: {
  id: FoldId;
  title: string;
  count?: string;
  children: ComponentChildren;
}) {
  const { view } = useStore();
  const { id } = props;
  const open = !view.folded.value.has(id);
  return (
    <section class="cp-fold" aria-labelledby={`cp-fold-${id}`} data-cp-fold={id}>
      <h3>
        <button
          type="button"
          id={`cp-fold-${id}`}
          class="cp-fold-head"
          aria-expanded={open}
          aria-controls={`cp-fold-${id}-body`}
          onClick={() => view.toggle(id)}
        >
          <span aria-hidden="true" class="cp-chevron">
            {open ? '▾' : '▸'}
          </span>
          {props.title}
          {props.count && <span class="cp-muted"> · {props.count}</span>}
        </button>
      </h3>
      {/* Folded parts stay in the DOM (hidden): the contract's elements are always there. */}
      <div id={`cp-fold-${id}-body`} hidden={!open}>
        {props.children}
      </div>
    </section>
  );
}
