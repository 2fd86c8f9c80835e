export { AlertSystem } from './alert-system.js';
export { formatHealthReport, sortBySeverity } from './format.js';
export { DEFAULT_ALERT_RULES } from './settings.js';
export type {
  Alert,
  AlertKind,
  AlertRules,
  AlertRulesInput,
  AlertSystemOptions,
  EnvironmentHealth,
  ExhaustionForecast,
  ForecastSource,
  HealthReport,
  NotifierFailure,
  Severity,
  TokenHealth,
} from './types.js';
