-- HealthTech ETL: the business questions, answered from the loaded tables.
--
-- Run them by hand with psql against the loaded schema (healthtech by default):
--   psql "$DB_URL" -f queries.sql
-- The app and the CLI run exactly these statements (split at the "-- name:" markers, with
-- search_path set to the configured schema). Answers on the bundled sample data are in README.md.

SET search_path TO healthtech;

-- name: q1_top_doctor
-- 1. Doctor(s) with the most confirmed appointments. Ties are all listed.
WITH confirmed AS (
  SELECT d.doctor_id, d.name, count(*) AS confirmed
  FROM appointments a
  JOIN doctors d ON d.doctor_id = a.doctor_id
  WHERE a.status = 'confirmed'
  GROUP BY d.doctor_id, d.name
)
SELECT doctor_id, name, confirmed
FROM confirmed
WHERE confirmed = (SELECT max(confirmed) FROM confirmed)
ORDER BY doctor_id;

-- name: q2_patient_34_confirmed
-- 2. Confirmed appointments for patient 34.
SELECT count(*) AS confirmed
FROM appointments
WHERE patient_id = 34
  AND status = 'confirmed';

-- name: q3_cancelled_oct_21_24
-- 3. Cancelled appointments between 2025-10-21 and 2025-10-24, both days included.
SELECT count(*) AS cancelled
FROM appointments
WHERE status = 'cancelled'
  AND booking_date BETWEEN DATE '2025-10-21' AND DATE '2025-10-24';

-- name: q4_confirmed_by_doctor
-- 4. Confirmed appointments by doctor: every doctor (placeholders included), zeros included.
SELECT d.doctor_id, d.name, count(a.booking_id) AS confirmed
FROM doctors d
LEFT JOIN appointments a ON a.doctor_id = d.doctor_id AND a.status = 'confirmed'
GROUP BY d.doctor_id, d.name
ORDER BY confirmed DESC, d.doctor_id;
