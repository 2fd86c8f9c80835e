// The public entry of edenai-token-manager, for every runtime: web-standard APIs only.
// Every name is listed on purpose and recorded in etc/edenai-token-manager.api.md; Node-only names
// (file and env stores) are added by ./index-node.ts, which Node resolves through the "node" condition.

// Alerts and notifiers.
export type { ActivityHealth, ActivityOptions } from './alerts/activity.js';
export {
  AlertSystem,
  type AlertSystemOptions,
  type CheckExpiringTokensOptions,
  type CheckLowBalanceTokensOptions,
} from './alerts/alert-system.js';
export {
  detectStaleTokens,
  detectUsageAnomalies,
  type StaleToken,
  type StaleTokenOptions,
  type TokenDailyUsage,
  type UsageAnomaly,
  type UsageAnomalyOptions,
  type UsageAnomalyResult,
} from './alerts/anomaly.js';
export { formatHealthReport } from './alerts/format.js';
export type { AlertRules, AlertRulesInput } from './alerts/rules.js';
export type {
  AccountHealth,
  CreditsSource,
  EnvironmentHealth,
  ExhaustionForecast,
  ForecastSource,
  HealthReport,
  NotifierFailure,
  TokenHealth,
} from './alerts/types.js';
// Audit sinks that run anywhere.
export {
  CallbackAuditSink,
  type CallbackAuditSinkOptions,
  LoggerAuditSink,
  type LoggerAuditSinkOptions,
} from './audit/sinks.js';
export {
  APIConnectionError,
  APIError,
  type APIErrorInit,
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
// Eden's cost tag rules (v3 `default_tags`, `X-EdenAI-Tags`).
export {
  MAX_TAG_KEY_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  MAX_TAGS,
  normalizeTags,
  RESERVED_TAG_PREFIX,
} from './core/limits.js';
export { Secret } from './core/secret.js';
export type { Clock, Logger, Progress, RequestOptions } from './core/types.js';
// Low level: v2 clients, the v3 Management API, and the HTTP options they share.
export type { ClientHooks, ClientOptions } from './http/options.js';
export {
  RateLimiter,
  type RateLimiterOptions,
  type ReleaseSlot,
  type RequestLimiter,
  type Sleep,
} from './http/rate-limiter.js';
export type { RetryDelay } from './http/retry.js';
// OpenTelemetry metrics (docs/metrics.md).
export {
  FleetMetrics,
  type FleetMetricsOptions,
  type FleetRotationState,
  type FleetRotations,
  type FleetToken,
} from './metrics/fleet.js';
export { type HttpDeliveryOptions, NotifierDeliveryError } from './notifiers/delivery.js';
export {
  CallbackNotifier,
  type CallbackNotifierOptions,
  ConsoleNotifier,
  type ConsoleNotifierOptions,
} from './notifiers/local.js';
export { SlackNotifier, type SlackNotifierOptions } from './notifiers/slack.js';
export {
  type AlertJson,
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookHeaders,
  WebhookNotifier,
  type WebhookNotifierOptions,
  type WebhookPayload,
  type WebhookSecret,
  WebhookVerificationError,
  type WebhookVerificationReason,
} from './notifiers/webhook.js';
// The interfaces users implement, and what they carry.
// What the configured keys can do at Eden AI (docs/moving-to-v3.md).
export {
  type DiagnoseOptions,
  type Diagnosis,
  type DiagnosisApi,
  type DiagnosisCheck,
  type DiagnosisStatus,
  diagnose,
} from './operations/doctor.js';
// The scheduled pass (docs/fleet.md).
export { ListCacheBackend } from './operations/list-cache.js';
export {
  type ReconcileFailure,
  type ReconcileOptions,
  type ReconcileStep,
  type ReconcileSummary,
  reconcile,
} from './operations/reconcile.js';
export type { AuditAction, AuditContext, AuditEvent, AuditSink, AuditValue } from './ports/audit.js';
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
  SecretStoreCapabilities,
  StateStore,
  StoredSecret,
  StoredState,
  WriteOptions,
} from './ports/stores.js';
export type { UsageQuery, UsageRecord, UsageSource } from './ports/usage.js';
// Registry.
export { TokenRegistry } from './registry/registry.js';
export type {
  ApplyOptions,
  ApplyResult,
  BudgetSource,
  CreateManagedTokenInput,
  DesiredState,
  EnvironmentAlertThresholds,
  EnvironmentPolicy,
  EnvironmentPolicyInput,
  ListTokensOptions,
  ManagedToken,
  ParsedName,
  Plan,
  PlanAction,
  PlanOptions,
  RegistryView,
  TokenRegistryOptions,
  TokensByEnvironment,
} from './registry/types.js';
// Rotation.
export type { LeakResponse, LeakResponseOptions } from './rotation/leak.js';
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
  ResumeOptions,
  ResumeResult,
  RotateExpiringOptions,
  RotateExpiringResult,
  RotateOptions,
  RotationCandidate,
  RotationEventName,
  RotationEvents,
  RotationFailure,
  RotationFailureSource,
  RotationListener,
  RotationManagerOptions,
  RotationMode,
  RotationPhase,
  RotationRegistry,
  RotationResult,
  RotationStatus,
  RotationStep,
  StatusOptions,
  VerifyHook,
} from './rotation/types.js';
// The service side of rotation (docs/fleet.md).
export { CurrentSecret, type CurrentSecretOptions } from './service/current-secret.js';
// Stores that run anywhere.
export { MemorySecretStore, MemoryStateStore } from './stores/memory.js';
export { formatUsageReport, USAGE_REPORT_FORMATS, type UsageReportFormat } from './usage/format/index.js';
export type { CsvFormatOptions, TextFormatOptions } from './usage/format/text.js';
// Usage.
export { MemoryUsageSource } from './usage/memory-source.js';
export {
  type ForecastAllOptions,
  type ForecastOptions,
  UsageMonitor,
  type UsageMonitorOptions,
} from './usage/monitor.js';
export type {
  DailyUsage,
  DateRangeInput,
  DayRange,
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
export { ManagementKeyClient, type ManagementKeyList } from './v3/client.js';
export type {
  CreateManagementKeyInput,
  ListKeysOptions,
  ManagementKey,
  ManagementKeyClientOptions,
  ManagementKeyPatch,
  ManagementKeyWithSecret,
  ManagementUsageQuery,
  ManagementWhoami,
} from './v3/types.js';
export { CREATE_MARKER_TAG } from './v3/wire.js';
