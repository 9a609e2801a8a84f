/**
 * pg, loaded without the undici it would pull in on Node 20 (pgRuntimeProbe.ts says why). Code
 * that needs pg's values imports them from here; types may come from 'pg' itself.
 */
// Import order matters: the probe's stand-in must exist while pg loads, and goes right after.
import { returnNavigator } from './pgRuntimeProbe';
import pg from 'pg';

returnNavigator();

export default pg;
