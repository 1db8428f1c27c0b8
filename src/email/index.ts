export { EmailInputError, ExtractionPatternError } from './errors';
export {
	normalizeEmail,
	normalizeCustomEmail,
	type NormalizedEmail,
	type NormalizeMode,
	type EmailSource,
	type EmailAddress,
} from './normalize';
export {
	extractCandidates,
	limitCandidates,
	DEFAULT_MAX_CANDIDATES_PER_KIND,
	DEFAULT_MAX_CANDIDATES_PER_EMAIL,
	type CandidateLimits,
	type SkippedCandidates,
	MAX_TEXT_CHARS,
	MAX_SUBJECT_CHARS,
	type ExtractionPatterns,
	type CandidateKind,
	type Candidate,
	type Evidence,
	type EvidenceField,
	type ExtractOptions,
} from './extract';
export { htmlToText, decodeEntities } from './html';
export { parseAddressList, parseRawMessage } from './mime';
export { fitToBudget, fenceUntrusted, estimateTokens, type ContextSection, type FitResult } from './context';
export * from './verify';
