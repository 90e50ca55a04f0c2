import { factEmitter } from '../../kernel/index.js';

/** A driver's state as the store records it. */
export type DriverState = 'available' | 'offered' | 'on-trip';

/**
 * The facts of ride dispatch, stamped with true time. The rider's are when a trip
 * was really asked for and where; the driver's are what its phone really showed and
 * what the driver really did; the store's are what the system of record committed;
 * the dispatcher's are the prices it really quoted. Where drivers really are comes
 * from the city's world model (`Fleet`), at the facts' true times.
 */
export type DispatchFact =
  // A rider (rider.ts): a trip is requested from a point.
  | { kind: 'trip-requested'; data: { trip: string; rider: string; x: number; y: number } }
  // A dispatcher (dispatcher.ts): the surge multiplier quoted for a request, from the index's counts in its cell.
  | { kind: 'surge-quoted'; data: { trip: string; cell: string; multiplier: number } }
  // A driver (driver.ts): an offer appears on the phone (once per offer), the driver turns one down, drops a rider off.
  | { kind: 'offer-received'; data: { offer: string; trip: string; driver: string } }
  | { kind: 'offer-declined'; data: { offer: string; trip: string; driver: string } }
  | { kind: 'trip-ended'; data: { trip: string; driver: string } }
  // The store (store.ts): every write of a driver's record, by whom; and each trip assignment committed (the rider is promised the driver).
  | { kind: 'driver-state'; data: { driver: string; state: DriverState; trip: string | null; offer: string | null; by: string } }
  | { kind: 'trip-assigned'; data: { trip: string; driver: string; offer: string; by: string } };

export const dispatchFact = factEmitter<DispatchFact>();
