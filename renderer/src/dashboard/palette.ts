/**
 * Chart colours. Specialties get a colour by their place in the load's sorted list of
 * specialties, so a specialty keeps its colour whatever the filter shows. Status colours are fixed.
 * Colours are plain hex (not CSS variables) because exported PNGs are drawn without the stylesheet.
 */
import type { CSSProperties } from 'react';

export const CONFIRMED_COLOR = '#2f6fb3';
export const CANCELLED_COLOR = '#d9822b';
export const RATE_COLOR = '#8c2f39';
export const NEUTRAL_COLOR = '#8a96a3';
export const NEW_COLOR = '#2f6fb3';
export const RETURNING_COLOR = '#3f9b7a';
export const GRID_COLOR = '#e6e9ee';
export const AXIS_COLOR = '#56616e';

/** Sixteen distinguishable hues of similar weight, none too light on white, and no orange or red: those mean cancelled. */
const SPECIALTY_PALETTE = ['#4e79a7', '#59a14f', '#b07aa1', '#499894', '#b6992d', '#9d7660', '#d37295', '#5b6fd6', '#2e7d5b', '#86bcb6', '#1f9bb0', '#98a02a', '#8e6c8a', '#3d6b8a', '#a05a7a', '#5a4a8a'];

/** Doctors without a specialty and placeholder doctors are drawn grey. */
export const NO_SPECIALTY_COLOR = '#a5adb7';

export function specialtyColors(specialties: readonly string[]): (specialty: string | null) => string {
  const named = [...specialties].filter((s) => s !== '').sort((a, b) => a.localeCompare(b));
  const index = new Map(named.map((s, i) => [s, i]));
  return (specialty) => {
    if (specialty === null || specialty === '') return NO_SPECIALTY_COLOR;
    const i = index.get(specialty);
    return i === undefined ? NO_SPECIALTY_COLOR : (SPECIALTY_PALETTE[i % SPECIALTY_PALETTE.length] ?? NO_SPECIALTY_COLOR);
  };
}

export const HATCH_ID = 'dash-hatch-placeholder';

/** A colour swatch's colour as a CSS custom property (set through the CSSOM, which CSP allows). */
export function swatch(color: string): CSSProperties {
  return { '--swatch': color } as CSSProperties;
}
