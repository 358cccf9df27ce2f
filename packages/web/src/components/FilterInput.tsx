import { TextInput } from '@mantine/core';
import { useState } from 'react';

interface FilterInputProps {
  label: string;
  value: string | undefined;
  onApply: (value: string | undefined) => void;
}

/**
 * A text filter applied on Enter or when leaving the field (not on every key: each change is a
 * URL entry). A new value from outside (back button, a drill-down) starts the field afresh.
 */
export function FilterInput(props: FilterInputProps) {
  return <EditableFilter key={props.value ?? ''} {...props} />;
}

function EditableFilter({ label, value, onApply }: FilterInputProps) {
  const [text, setText] = useState(value ?? '');
  const apply = () => {
    const next = text.trim() || undefined;
    if (next !== value) onApply(next);
  };
  return (
    <TextInput
      aria-label={label}
      placeholder={label}
      value={text}
      onChange={(e) => setText(e.currentTarget.value)}
      onBlur={apply}
      onKeyDown={(e) => {
        if (e.key === 'Enter') apply();
      }}
      w={160}
    />
  );
}
