// The public entry of edenai-token-manager, for every runtime: web-standard APIs only.
// Every name is listed on purpose and recorded in etc/edenai-token-manager.api.md; Node-only names
// (file and env stores) are added by ./index-node.ts, which Node resolves through the "node" condition.

// Alerts and notifiers.
export { AlertSystem } from './alerts/alert-system.js';
export { formatHealthReport } from './alerts/format.js';
export type {
  AlertRules,
  AlertRulesInput,
  AlertSystemOptions,
  EnvironmentHealth,
  ExhaustionForecast,
  ForecastSource,
  HealthReport,
  NotifierFailure,
  TokenHealth,
} from './alerts/types.js';
export {
  APIConnectionError,
  APIError,
  APITimeoutError,
  AuthenticationError,
  BadRequestError,
  ConfigurationError,
  ConflictError,
  EdenAIError,
  type ErrorCode,
  InternalServerError,
  InvalidInputError,
  isEdenAIError,
  NotFoundError,
  PaymentRequiredError,
  PermissionDeniedError,
  PolicyViolationError,
  RateLimitError,
  ResponseValidationError,
  RotationError,
  RotationInProgressError,
  UnprocessableEntityError,
  VersionConflictError,
} from './core/errors.js';
export { Secret } from './core/secret.js';
export type { Clock, Logger, Progress, RequestOptions } from './core/types.js';
// Low level: v2 clients, the v3 Management API, and the HTTP options they share.
export type { ClientOptions } from './http/options.js';
export { RateLimiter, type RateLimiterOptions, type ReleaseSlot } from './http/rate-limiter.js';
export type { RetryDelay, Sleep } from './http/retry.js';
export { CallbackNotifier } from './notifiers/callback.js';
export { ConsoleNotifier, type ConsoleNotifierOptions } from './notifiers/console.js';
export type { HttpDeliveryOptions } from './notifiers/delivery.js';
export {
  NotifierDeliveryError,
  WebhookVerificationError,
  type WebhookVerificationReason,
} from './notifiers/errors.js';
export type { AlertJson, WebhookPayload } from './notifiers/payload.js';
export type { WebhookSecret } from './notifiers/signing.js';
export { SlackNotifier, type SlackNotifierOptions } from './notifiers/slack.js';
export { type VerifyWebhookOptions, verifyWebhook, type WebhookHeaders } from './notifiers/verify.js';
export { WebhookNotifier, type WebhookNotifierOptions } from './notifiers/webhook.js';
// The interfaces users implement, and what they carry.
export type {
  CreateTokenInput,
  EdenToken,
  ResetPeriod,
  TokenBackend,
  TokenType,
  UpdateTokenInput,
} from './ports/backend.js';
export type { Alert, AlertKind, Notifier, Severity } from './ports/notifier.js';
export type {
  DeleteOptions,
  Metadata,
  SecretStore,
  StateStore,
  StoredSecret,
  StoredState,
  WriteOptions,
} from './ports/stores.js';
export type { UsageQuery, UsageRecord, UsageSource } from './ports/usage.js';
// Registry.
export type { EnvironmentPolicy, EnvironmentPolicyInput } from './registry/policy.js';
export {
  type ApplyOptions,
  type PlanOptions,
  TokenRegistry,
  type TokenRegistryOptions,
} from './registry/registry.js';
export type {
  ApplyResult,
  CreateManagedTokenInput,
  DesiredState,
  ManagedToken,
  Plan,
  PlanAction,
  TokensByEnvironment,
} from './registry/types.js';
// Rotation.
export { RotationManager } from './rotation/manager.js';
export {
  type ScheduledRotation,
  type ScheduledRotationReport,
  type ScheduleRotationOptions,
  scheduleRotation,
} from './rotation/schedule.js';
export type {
  BulkFailure,
  BulkSkip,
  FinalizeOptions,
  FinalizeResult,
  GraceAllowance,
  NativeRotation,
  PlannedRotation,
  ResumeResult,
  RotateExpiringOptions,
  RotateExpiringResult,
  RotateOptions,
  RotationCandidate,
  RotationEventName,
  RotationEvents,
  RotationListener,
  RotationManagerOptions,
  RotationMode,
  RotationPhase,
  RotationResult,
  RotationStatus,
  RotationStep,
  VerifyHook,
} from './rotation/types.js';
// Stores that run anywhere.
export { MemorySecretStore } from './stores/memory-secret.js';
export { MemoryStateStore } from './stores/memory-state.js';
export {
  type CsvFormatOptions,
  formatUsageReport,
  type TextFormatOptions,
  USAGE_REPORT_FORMATS,
  type UsageReportFormat,
} from './usage/format/index.js';
// Usage.
export { MemoryUsageSource } from './usage/memory-source.js';
export { UsageMonitor, type UsageMonitorOptions } from './usage/monitor.js';
export type {
  DailyUsage,
  DateRangeInput,
  EnvironmentUsage,
  FeatureUsage,
  ProviderUsage,
  ReconcileInput,
  ReconcileTolerance,
  Reconciliation,
  TokenUsage,
  TokenUsageRow,
  UnmanagedUsage,
  UsageForecast,
  UsageReport,
} from './usage/types.js';
export { CostClient } from './v2/cost-client.js';
export { CustomTokenClient } from './v2/custom-token-client.js';
export { ManagementKeyBackend, type ManagementKeyBackendOptions } from './v3/backend.js';
export { ManagementKeyClient } from './v3/client.js';
export type { ManagementKeyList } from './v3/key-list.js';
export type { ManagementKeyClientOptions } from './v3/options.js';
export type {
  CreateManagementKeyInput,
  ListKeysOptions,
  ManagementKey,
  ManagementKeyPatch,
  ManagementKeyWithSecret,
  ManagementUsageQuery,
  ManagementWhoami,
} from './v3/types.js';
