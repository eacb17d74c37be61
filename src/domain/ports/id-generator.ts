/** Unique, unguessable identifiers. */
export interface IdGenerator {
  /** A new URL-safe id of at least 128 random bits; never repeats. */
  next(): string;
}
