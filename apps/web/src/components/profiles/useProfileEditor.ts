import type { ProfileIssue } from '@podpilot/common';
import { useBlocker } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import { useApplyProfile } from '../../api/profiles';
import { useProfileCheck } from '../../lib/profile-check';
import { editorErrors, nameFromText } from '../../lib/profile-editor';
import { issuesByLine } from '../../lib/profiles';

/**
 * The profile editor's state: the text, its check as you type (the issues of the last text checked stay on
 * screen until the next answer), the name it saves under, unsaved changes (leaving asks first) and Save.
 */
export function useProfileEditor(
  initialYaml: string,
  fixedName: string | null,
  existingNames: readonly string[],
) {
  const [text, setText] = useState(initialYaml);
  const [saved, setSaved] = useState(initialYaml);
  const check = useProfileCheck(text);
  const apply = useApplyProfile();

  const done = check.state === 'done' ? check : null;
  const parsedName = done?.name ?? null;
  const errors: ProfileIssue[] = useMemo(
    () => (done ? editorErrors(done, fixedName) : []),
    [done, fixedName],
  );
  const warnings = done?.warnings ?? [];
  const byLine = useMemo(() => issuesByLine(errors, warnings), [errors, warnings]);

  const unavailable = check.state === 'unavailable' ? check.message : null;
  const validating = unavailable === null && done?.text !== text;
  const dirty = text !== saved;
  const name = fixedName ?? parsedName ?? (unavailable !== null ? nameFromText(text) : null);
  const canSave = errors.length === 0 && !validating && name !== null && !apply.isPending;
  const addsToExisting = fixedName === null && parsedName !== null && existingNames.includes(parsedName);

  useBlocker({
    shouldBlockFn: () => dirty && !window.confirm('Leave without saving your changes to this profile?'),
    enableBeforeUnload: () => dirty,
  });

  const save = () => {
    if (!canSave || name === null) return;
    const yaml = text;
    apply.mutate({ name, yaml }, { onSuccess: () => setSaved(yaml) });
  };

  return {
    text,
    setText,
    errors,
    warnings,
    byLine,
    unavailable,
    validating,
    dirty,
    canSave,
    save,
    apply,
    /** Saving a new profile adds a version to this existing one. */
    addsTo: addsToExisting ? parsedName : null,
  };
}

export type ProfileEditorState = ReturnType<typeof useProfileEditor>;
