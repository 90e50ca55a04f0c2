import type { DriverState } from './facts.js';

/** Driver → the dispatchers of the regions around it, every update interval. `seq` orders a driver's updates across restarts. */
export type LocationUpdate = { op: 'location'; driver: string; x: number; y: number; state: DriverState; seq: number };

/** Rider → the dispatcher of its region (a call, asked again until the trip is assigned). */
export type TripRequest = { op: 'request'; trip: string; rider: string; x: number; y: number };
export type RequestStatus = { op: 'request-status'; trip: string; status: 'open' | 'assigned'; driver: string | null };

/** Dispatcher → driver: a rider at (x, y) for you; the driver answers; the dispatcher confirms or withdraws. */
export type Offer = { op: 'offer'; offer: string; trip: string; x: number; y: number };
export type OfferAnswer = { op: 'answer'; offer: string; trip: string; accept: boolean };
export type OfferOutcome = { op: 'confirm' | 'cancel'; offer: string; trip: string };
