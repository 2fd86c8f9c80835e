/** A rotation that failed and is waiting for `resume()` or a human; AlertSystem reports these. */
export interface RotationFailure {
  /** Logical token name. */
  name: string;
  rotationId: string;
  step: string;
  message: string;
  at: Date;
}

/** Anything that can list failed rotations (RotationManager implements it). */
export interface RotationFailureSource {
  failures(): Promise<RotationFailure[]>;
}
