import { durationMs } from '../../lib/duration.ts';
import { vipCareOf, type ShopSettings } from '../settings/schema.ts';

/** What an update says: a refined ETA, a status (with an in-stock alternative), the two-week check with the cancel offer. */
export const CADENCE_STAGES = ['refine', 'status', 'cancel'] as const;
export type CadenceStage = (typeof CADENCE_STAGES)[number];

/**
 * The names of a line's update jobs (`backorder:<id>:<step>`), every one a
 * cadence can have: the VIP cadence repeats the status step up to four times.
 * Listed so the next update of thousands of lines is read by key.
 */
export const CADENCE_STEPS = ['refine', 'status', 'status-2', 'status-3', 'status-4', 'cancel'] as const;

export interface CadenceStep {
  step: (typeof CADENCE_STEPS)[number];
  stage: CadenceStage;
  /** Measured from the order. */
  afterMs: number;
}

/**
 * A backorder's updates: `backorderCadence` (days 3, 7 and 14 by default), or
 * for a VIP `vipCare.cadence` (days 2, 5, 9 and 14), whose first step refines
 * the ETA, last is the two-week check, and those between are status updates.
 */
export function cadenceSteps(settings: Pick<ShopSettings, 'backorderCadence' | 'vipCare'>, vip: boolean): CadenceStep[] {
  if (!vip) {
    const { refine, status, cancelOffer } = settings.backorderCadence;
    return [
      { step: 'refine', stage: 'refine', afterMs: durationMs(refine) },
      { step: 'status', stage: 'status', afterMs: durationMs(status) },
      { step: 'cancel', stage: 'cancel', afterMs: durationMs(cancelOffer) },
    ];
  }
  const { cadence } = vipCareOf(settings);
  return cadence.map((after, i) => {
    const stage: CadenceStage = i === 0 ? 'refine' : i === cadence.length - 1 ? 'cancel' : 'status';
    const step = stage !== 'status' ? stage : i === 1 ? 'status' : (`status-${i}` as CadenceStep['step']);
    return { step, stage, afterMs: durationMs(after) };
  });
}
