'use client';

import { Field } from '@/components/ui/field';
import { Select } from '@/components/ui/input';
import { roleDescriptions, roleLabels, roles, type Role } from '@/lib/auth/roles';

/** Role picker with the chosen role's rights as its hint. */
export function RoleField({
  value,
  onChange,
  errors,
}: {
  value: Role;
  onChange: (role: Role) => void;
  errors?: string[];
}) {
  return (
    <Field label="Role" errors={errors} hint={roleDescriptions[value]}>
      {(c) => (
        <Select {...c} value={value} onChange={(e) => onChange(e.target.value as Role)}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {roleLabels[r]}
            </option>
          ))}
        </Select>
      )}
    </Field>
  );
}
