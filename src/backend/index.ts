export type {
  CreateTokenInput,
  EdenToken,
  ResetPeriod,
  TokenBackend,
  TokenType,
  UpdateTokenInput,
} from './port.js';
