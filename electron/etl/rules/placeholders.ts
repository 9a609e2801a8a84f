/**
 * Rule 8: placeholder doctors. Every doctor id that a kept appointment points to but the cleaned
 * doctors lack gets a stand-in row, so no appointment is lost to the foreign key.
 */
import type { FinalDoctor, PlaceholderUse } from '../types';

export type { PlaceholderUse };

export const PLACEHOLDER_NAME = 'Unknown';
export const PLACEHOLDER_SPECIALTY = 'Unknown';


export function findPlaceholders(appointments: Iterable<{ doctorId: number; sourceRow: number }>, knownDoctorIds: ReadonlySet<number>): PlaceholderUse[] {
  const doctorIds: number[] = [];
  const sourceRows: number[] = [];
  for (const appointment of appointments) {
    doctorIds.push(appointment.doctorId);
    sourceRows.push(appointment.sourceRow);
  }
  return findPlaceholdersInColumns({ doctorIds, sourceRows }, knownDoctorIds);
}

/** The same from the kept appointments' doctor_id and source row columns (see AppointmentTable). */
export function findPlaceholdersInColumns(appointments: { doctorIds: ArrayLike<number>; sourceRows: ArrayLike<number> }, knownDoctorIds: ReadonlySet<number>): PlaceholderUse[] {
  const { doctorIds, sourceRows } = appointments;
  const uses = new Map<number, PlaceholderUse>();
  for (let i = 0; i < doctorIds.length; i++) {
    const doctorId = doctorIds[i] as number;
    if (knownDoctorIds.has(doctorId)) continue;
    const use = uses.get(doctorId);
    if (use) use.appointments += 1;
    else uses.set(doctorId, { doctorId, appointments: 1, firstRow: sourceRows[i] as number });
  }
  return [...uses.values()].sort((a, b) => a.doctorId - b.doctorId);
}

export function placeholderDoctor(doctorId: number): FinalDoctor {
  return { doctorId, name: PLACEHOLDER_NAME, specialty: PLACEHOLDER_SPECIALTY, placeholder: true, sourceRow: null };
}
