import { Group, TextInput } from '@mantine/core';
import { useState } from 'react';

/** A custom [from, to) in local date-time inputs; sent as UTC ISO instants. */
export function CustomRange({ from, to, onChange }: { from?: string; to?: string; onChange: (from: string, to: string) => void }) {
  const toLocal = (iso?: string) => {
    if (!iso) return '';
    const d = new Date(iso);
    return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  };
  const [a, setA] = useState(toLocal(from));
  const [b, setB] = useState(toLocal(to));
  const [error, setError] = useState<string | undefined>();
  const apply = (na: string, nb: string) => {
    setA(na);
    setB(nb);
    if (!na || !nb) return;
    const f = new Date(na);
    const t = new Date(nb);
    if (!(f < t)) return setError('The start must be before the end');
    setError(undefined);
    onChange(f.toISOString(), t.toISOString());
  };
  return (
    <Group gap="xs">
      <TextInput type="datetime-local" aria-label="From" value={a} onChange={(e) => apply(e.currentTarget.value, b)} error={error} />
      <TextInput type="datetime-local" aria-label="To" value={b} onChange={(e) => apply(a, e.currentTarget.value)} />
    </Group>
  );
}
