export {
  Profile,
  ProfileExtension,
  ProfileFile,
  ProfileIdle,
  type ProfileInput,
  ProfileModel,
  ProfileModelSource,
  ProfileUi,
} from './profile.schema.js';
export { diffProfiles, ProfileChange, ProfileSection, unifiedProfileDiff } from './profile-diff.js';
export { formatProfileIssue, ProfileIssue, type ProfileParseResult } from './profile-issues.js';
export { PinnedPackage, ProfilePython } from './profile-python.js';
export { validateProfile } from './profile-validate.js';
export {
  defaultExtensionName,
  defaultModelFile,
  isCommit,
  MAX_INLINE_CONTENT,
  modelStorageKey,
  PROFILE_NAME_PATTERN,
} from './profile-values.js';
export { profileWarnings } from './profile-warnings.js';
export { MAX_PROFILE_YAML_LENGTH, parseProfileYaml, profileToYaml } from './profile-yaml.js';
export { checkRelativePath, MAX_RELATIVE_PATH_LENGTH } from './safe-path.js';
export { ModelKind, UI_KINDS, UiKind, type UiKindInfo } from './ui-kinds.js';
