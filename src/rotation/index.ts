export type { RotationFailure, RotationFailureSource } from './types.js';
