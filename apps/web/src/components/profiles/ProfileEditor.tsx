import { type KeyboardEvent, useId } from 'react';
import { Button } from '../shared/Button';
import { ErrorAlert } from '../shared/ErrorAlert';
import { IssueList } from './IssueList';
import { SaveResult } from './SaveResult';
import { useGoToIssue } from './useGoToIssue';
import { useProfileEditor } from './useProfileEditor';
import { YamlEditor } from './YamlEditor';

interface ProfileEditorProps {
  initialYaml: string;
  /** Editing a profile: its name, which the YAML must keep. Null for a new profile (the name comes from the YAML). */
  fixedName: string | null;
  /** Names already taken, to say that saving a new profile under one adds a version to it. */
  existingNames?: readonly string[];
}

/**
 * A YAML editor for a profile: line numbers, validation as you type with the hub's own parser (each problem
 * shown at the end of its line and listed below), and Save (Ctrl/⌘+S), which shows the hub's answer.
 */
export function ProfileEditor({ initialYaml, fixedName, existingNames = [] }: ProfileEditorProps) {
  const editor = useProfileEditor(initialYaml, fixedName, existingNames);
  const { text, errors, apply } = editor;
  const { textarea, goTo } = useGoToIssue(text);
  const labelId = useId();
  const issuesId = useId();

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      editor.save();
    }
  };

  return (
    <div className="space-y-4">
      <EditorToolbar
        labelId={labelId}
        dirty={editor.dirty}
        isNew={fixedName === null}
        canSave={editor.canSave}
        saving={apply.isPending}
        onSave={editor.save}
      />

      <YamlEditor
        text={text}
        onChange={editor.setText}
        onKeyDown={onKeyDown}
        byLine={editor.byLine}
        invalid={errors.length > 0}
        labelId={labelId}
        issuesId={issuesId}
        textareaRef={textarea}
      />

      <IssueList
        id={issuesId}
        errors={errors}
        warnings={editor.warnings}
        unavailable={editor.unavailable}
        validating={editor.validating}
        onGoTo={goTo}
      />

      {editor.addsTo !== null ? <AddsToNotice name={editor.addsTo} /> : null}

      {apply.isError ? <ErrorAlert error={apply.error} /> : null}
      {apply.isSuccess && !apply.isPending ? <SaveResult result={apply.data} /> : null}
    </div>
  );
}

interface EditorToolbarProps {
  labelId: string;
  dirty: boolean;
  isNew: boolean;
  canSave: boolean;
  saving: boolean;
  onSave: () => void;
}

/** The editor's label (it names the textarea), whether there are unsaved changes, and Save. */
function EditorToolbar({ labelId, dirty, isNew, canSave, saving, onSave }: EditorToolbarProps) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-3">
      <p id={labelId} className="text-sm font-medium text-slate-800 dark:text-slate-200">
        Profile YAML{' '}
        <span className="font-normal text-slate-500 dark:text-slate-400">
          — checked as you type{dirty ? ' · unsaved changes' : ''}
        </span>
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <span className="hidden text-xs text-slate-500 sm:inline dark:text-slate-400">Ctrl/⌘ + S</span>
        <Button onClick={onSave} disabled={!canSave} busy={saving} busyLabel="Saving…">
          {isNew ? 'Create profile' : 'Save new version'}
        </Button>
      </div>
    </div>
  );
}

/** Saving a new profile under a taken name adds a version to that profile: say so first. */
function AddsToNotice({ name }: { name: string }) {
  return (
    <p className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200">
      A profile named <strong>{name}</strong> exists already: saving adds a new version to it. Change{' '}
      <code>name:</code> to create a separate profile.
    </p>
  );
}
