// The header row every table of the notebook shares.
export function TableHead({ columns }: { columns: readonly string[] }) {
  return (
    <thead>
      <tr>
        {columns.map((h) => (
          <th key={h} style={{ textAlign: 'left', padding: '2px 8px', borderBottom: '1px solid var(--border)' }}>
            {h}
          </th>
        ))}
      </tr>
    </thead>
  );
}
