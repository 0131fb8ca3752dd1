'use client';

import { useState } from 'react';
import { useAction } from 'next-safe-action/hooks';
import { Download, KeyRound, Plus, Upload } from 'lucide-react';
import { ActionDialog, useActionDialog } from '@/components/forms/action-dialog';
import { errorsOf } from '@/components/forms/form-kit';
import { CopyButton } from '@/components/forms/copy-button';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { Dialog, DialogContent, DialogTrigger } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { enrolKeyAction, generateKeyAction, importKeyAction, retireKeyAction } from '../actions';

/** A new RSA key pair made on the server (4096 bits unless chosen otherwise). */
export function GenerateKeyDialog() {
  const empty = { label: '', bits: '4096' };
  const [form, setForm] = useState(empty);
  const dialog = useActionDialog(() => setForm(empty));
  const { execute, isPending } = useAction(generateKeyAction, {
    onSuccess: ({ data }) => dialog.succeed(`Key “${data.label}” generated (${data.bits} bits). Enrol it next.`),
    onError: dialog.submission.onError,
  });
  const fields = errorsOf(dialog.submission.failure);
  return (
    <ActionDialog
      state={dialog}
      trigger={
        <Button>
          <Plus aria-hidden /> Generate key
        </Button>
      }
      title="Generate a key pair"
      description="The server makes an RSA key pair; the private key is sealed and never leaves it. Klarna needs the public key (JWK), which you enrol next."
      shown={['label', 'bits']}
      submitLabel="Generate"
      pending={isPending}
      onSubmit={() => execute({ label: form.label, bits: Number(form.bits) })}
    >
      <Field label="Name" errors={fields.label}>
        {(c) => (
          <Input
            {...c}
            autoComplete="off"
            value={form.label}
            onChange={(e) => setForm({ ...form, label: e.target.value })}
          />
        )}
      </Field>
      <Field label="Size" hint="Klarna requires at least 2048 bits; 4096 is its example." errors={fields.bits}>
        {(c) => (
          <Select {...c} value={form.bits} onChange={(e) => setForm({ ...form, bits: e.target.value })}>
            <option value="4096">4096 bits</option>
            <option value="3072">3072 bits</option>
            <option value="2048">2048 bits</option>
          </Select>
        )}
      </Field>
    </ActionDialog>
  );
}

/** An existing RSA private key (PEM), checked on the server: RSA, at least 2048 bits. */
export function ImportKeyDialog() {
  const empty = { label: '', pem: '' };
  const [form, setForm] = useState(empty);
  const dialog = useActionDialog(() => setForm(empty));
  const { execute, isPending } = useAction(importKeyAction, {
    onSuccess: ({ data }) => dialog.succeed(`Key “${data.label}” imported (${data.bits} bits).`),
    onError: dialog.submission.onError,
  });
  const fields = errorsOf(dialog.submission.failure);
  return (
    <ActionDialog
      state={dialog}
      trigger={
        <Button variant="secondary">
          <Upload aria-hidden /> Import key
        </Button>
      }
      title="Import a private key"
      description="Paste an unencrypted PEM RSA private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY), at least 2048 bits. It is sealed on the server."
      shown={['label', 'pem']}
      submitLabel="Import"
      pending={isPending}
      onSubmit={() => execute(form)}
    >
      <Field label="Name" errors={fields.label}>
        {(c) => (
          <Input
            {...c}
            autoComplete="off"
            value={form.label}
            onChange={(e) => setForm({ ...form, label: e.target.value })}
          />
        )}
      </Field>
      <Field label="Private key (PEM)" errors={fields.pem}>
        {(c) => (
          <textarea
            {...c}
            rows={8}
            spellCheck={false}
            className="w-full rounded-md border bg-background px-3 py-2 font-mono text-xs"
            value={form.pem}
            onChange={(e) => setForm({ ...form, pem: e.target.value })}
          />
        )}
      </Field>
    </ActionDialog>
  );
}

/** Enrol with Klarna: in the sandbox at once; elsewhere enter the key_id Klarna gave for the JWK. */
export function EnrolKeyDialog({ cardKeyId, label }: { cardKeyId: string; label: string }) {
  const [klarnaKeyId, setKlarnaKeyId] = useState('');
  const dialog = useActionDialog(() => setKlarnaKeyId(''));
  const { execute, isPending } = useAction(enrolKeyAction, {
    onSuccess: ({ data }) => dialog.succeed(`Key “${data.label}” enrolled as ${data.klarnaKeyId}.`),
    onError: dialog.submission.onError,
  });
  const fields = errorsOf(dialog.submission.failure);
  return (
    <ActionDialog
      state={dialog}
      trigger={
        <Button size="sm" variant="secondary" aria-label={`Enrol key ${label}`}>
          <KeyRound aria-hidden /> Enrol
        </Button>
      }
      title={`Enrol key “${label}”`}
      description="With the embedded sandbox, leave the key_id empty: the dashboard enrols the public key itself. With Klarna, send them the public key (JWK) and enter the key_id they give you."
      shown={['klarnaKeyId']}
      submitLabel="Enrol"
      pending={isPending}
      onSubmit={() => execute({ cardKeyId, klarnaKeyId: klarnaKeyId.trim() || undefined })}
    >
      <Field label="Klarna key_id (optional in the sandbox)" errors={fields.klarnaKeyId}>
        {(c) => (
          <Input
            {...c}
            autoComplete="off"
            spellCheck={false}
            value={klarnaKeyId}
            onChange={(e) => setKlarnaKeyId(e.target.value)}
          />
        )}
      </Field>
    </ActionDialog>
  );
}

/** The public key as JWK, to copy or download and send to Klarna. */
export function PublicKeyButton({ label, jwk }: { label: string; jwk: { kty: string; n: string; e: string } }) {
  const text = JSON.stringify(jwk, null, 2);
  const href = `data:application/json;charset=utf-8,${encodeURIComponent(text)}`;
  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button size="sm" variant="ghost" aria-label={`Public key of ${label}`}>
          JWK
        </Button>
      </DialogTrigger>
      <DialogContent
        title={`Public key of “${label}” (JWK)`}
        description="Send this to Klarna to enrol the key. It is public: only the private key, kept here, decrypts cards."
      >
        <div className="grid gap-3">
          <pre className="max-h-64 overflow-auto rounded-md border bg-muted p-3 font-mono text-xs break-all whitespace-pre-wrap">
            {text}
          </pre>
          <div className="flex justify-end gap-2">
            <CopyButton value={text} label="public key" />
            <Button asChild variant="secondary" size="sm">
              <a href={href} download={`${label.replace(/[^\w.-]+/g, '_') || 'public_key'}.jwk`}>
                <Download aria-hidden /> Download
              </a>
            </Button>
          </div>
        </div>
      </DialogContent>
    </Dialog>
  );
}

export function RetireKeyButton({ cardKeyId, label }: { cardKeyId: string; label: string }) {
  return (
    <ConfirmButton
      label="Retire"
      title={`Retire key “${label}”?`}
      description="No new settlement can use it. Cards already encrypted for it can still be revealed."
      confirmLabel="Retire key"
      successMessage={`Key “${label}” retired.`}
      run={() => retireKeyAction({ cardKeyId })}
    />
  );
}
