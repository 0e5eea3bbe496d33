// Tabs as links-in-place: a tablist of buttons with the selected one marked.
export function Tabs<T extends string>(props: {
  label: string
  tabs: { id: T; label: string; count?: number }[]
  selected: T
  onSelect(id: T): void
}) {
  return (
    <div class="tabs" role="tablist" aria-label={props.label}>
      {props.tabs.map((tab) => (
        <button
          key={tab.id}
          type="button"
          role="tab"
          aria-selected={tab.id === props.selected}
          class={tab.id === props.selected ? 'tab active' : 'tab'}
          onClick={() => props.onSelect(tab.id)}
        >
          {tab.label}
          {tab.count !== undefined && <span class="tab-count">{tab.count}</span>}
        </button>
      ))}
    </div>
  )
}
