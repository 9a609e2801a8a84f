/**
 * A WAI-ARIA tablist: one tab stop (the selected tab), arrow keys move between tabs, Home/End
 * jump, and selection follows focus. The panels are rendered by the caller with `tabPanelProps`.
 */
import { useRef, type KeyboardEvent } from 'react';

export interface TabItem<K extends string> {
  key: K;
  label: string;
  count?: number | undefined;
}

interface TabsProps<K extends string> {
  idBase: string;
  label: string;
  tabs: readonly TabItem<K>[];
  selected: K;
  onSelect: (key: K) => void;
  formatCount: (count: number) => string;
}

export const tabId = (idBase: string, key: string) => `${idBase}-tab-${key}`;
export const panelId = (idBase: string, key: string) => `${idBase}-panel-${key}`;

export function Tabs<K extends string>({ idBase, label, tabs, selected, onSelect, formatCount }: TabsProps<K>) {
  const refs = useRef(new Map<K, HTMLButtonElement>());

  function move(event: KeyboardEvent<HTMLButtonElement>, index: number) {
    let next: number | undefined;
    if (event.key === 'ArrowRight') next = (index + 1) % tabs.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + tabs.length) % tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabs.length - 1;
    if (next === undefined) return;
    event.preventDefault();
    const tab = tabs[next];
    if (!tab) return;
    onSelect(tab.key);
    refs.current.get(tab.key)?.focus();
  }

  return (
    <div className="tablist" role="tablist" aria-label={label}>
      {tabs.map((tab, index) => {
        const isSelected = tab.key === selected;
        return (
          <button
            key={tab.key}
            ref={(el) => {
              if (el) refs.current.set(tab.key, el);
              else refs.current.delete(tab.key);
            }}
            type="button"
            role="tab"
            id={tabId(idBase, tab.key)}
            aria-controls={panelId(idBase, tab.key)}
            aria-selected={isSelected}
            tabIndex={isSelected ? 0 : -1}
            className="tab"
            onClick={() => onSelect(tab.key)}
            onKeyDown={(event) => move(event, index)}
          >
            <span>{tab.label}</span>{' '}
            {tab.count !== undefined ? <span className="tab-count">{formatCount(tab.count)}</span> : null}
          </button>
        );
      })}
    </div>
  );
}
