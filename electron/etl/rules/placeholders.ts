/**
 * Rule 8: placeholder doctors. Every doctor id that a kept appointment points to but the cleaned
 * doctors lack gets a stand-in row, so no appointment is lost to the foreign key.
 */
import type { FinalDoctor, PlaceholderUse } from '../types';

export type { PlaceholderUse };

export const PLACEHOLDER_NAME = 'Unknown';
export const PLACEHOLDER_SPECIALTY = 'Unknown';


export function findPlaceholders(appointments: Iterable<{ doctorId: number; sourceRow: number }>, knownDoctorIds: ReadonlySet<number>): PlaceholderUse[] {
  const uses = new Map<number, PlaceholderUse>();
  for (const appointment of appointments) {
    if (knownDoctorIds.has(appointment.doctorId)) continue;
    const use = uses.get(appointment.doctorId);
    if (use) use.appointments += 1;
    else uses.set(appointment.doctorId, { doctorId: appointment.doctorId, appointments: 1, firstRow: appointment.sourceRow });
  }
  return [...uses.values()].sort((a, b) => a.doctorId - b.doctorId);
}

export function placeholderDoctor(doctorId: number): FinalDoctor {
  return { doctorId, name: PLACEHOLDER_NAME, specialty: PLACEHOLDER_SPECIALTY, placeholder: true, sourceRow: null };
}
