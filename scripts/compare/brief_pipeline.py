#!/usr/bin/python3
"""The brief's stack, for side-by-side measurement only (never shipped, never run by the tests).

The original brief (../shared/seed/) describes `etl_pipeline.py`: pandas + openpyxl to read, pandas
to clean (type coercion, status mapping, drop incomplete rows, keep the earliest duplicate, placeholder
doctors), then TRUNCATE + reload in one transaction. This is that design written plainly, with the
load done by psycopg2's COPY (faster than the brief's row inserts, so the comparison favours it).
It is not held to SPEC §4 (no date-order evidence, no rejected-row log): it is the baseline to beat.

    /usr/bin/python3 scripts/compare/brief_pipeline.py DOCTORS.xlsx APPOINTMENTS.xlsx DB_URL [SCHEMA]

Prints one JSON line: seconds per phase and rows kept. Run it under `/usr/bin/time -v` for peak RSS.
Needs Debian's python3-pandas, python3-openpyxl and python3-psycopg2.
"""
import io
import json
import re
import sys
import tempfile
import time
import os

import pandas as pd
import psycopg2


def read_sheet(path):
    """First sheet; the header is the first non-empty row, as the brief's files have it."""
    frame = pd.read_excel(path, engine="openpyxl", dtype=object, header=None).dropna(how="all")
    frame.columns = [re.sub(r"[\s\-]+", "_", str(c).strip().lower()) for c in frame.iloc[0]]
    return frame.iloc[1:]


def drop_repeated_headers(frame):
    header = list(frame.columns)
    as_text = frame.astype(str).apply(lambda col: col.str.strip().str.lower().str.replace(r"[\s\-]+", "_", regex=True))
    return frame[~as_text.eq(header).all(axis=1)]


def to_int(series):
    return pd.to_numeric(series.astype(str).str.strip(), errors="coerce")


def standardise_status(series):
    letters = series.astype(str).str.lower().str.replace(r"[^a-z]", "", regex=True)
    return letters.map({"confirmed": "confirmed", "confirm": "confirmed", "cancelled": "cancelled", "canceled": "cancelled", "cancel": "cancelled"})


def main():
    doctors_path, appointments_path, db_url = sys.argv[1:4]
    schema = sys.argv[4] if len(sys.argv) > 4 else "healthtech_brief"
    times = {}

    start = time.perf_counter()
    doctors = read_sheet(doctors_path)
    appointments = read_sheet(appointments_path)
    times["read"] = time.perf_counter() - start

    start = time.perf_counter()
    doctors = drop_repeated_headers(doctors)
    doctors["doctor_id"] = to_int(doctors["doctor_id"])
    doctors["name"] = doctors["name"].astype("string").str.strip()
    doctors["specialty"] = doctors["specialty"].astype("string").str.strip()
    doctors = doctors.dropna(subset=["doctor_id", "name"])
    doctors = doctors[(doctors["doctor_id"] % 1 == 0) & doctors["doctor_id"].between(0, 2**31 - 1)].drop_duplicates("doctor_id", keep="first")
    doctors["doctor_id"] = doctors["doctor_id"].astype("int64")

    appointments = drop_repeated_headers(appointments)
    for column in ("booking_id", "patient_id", "doctor_id"):
        appointments[column] = to_int(appointments[column])
    appointments["booking_date"] = pd.to_datetime(appointments["booking_date"].astype(str).str.strip(), errors="coerce")
    appointments["status"] = standardise_status(appointments["status"])
    appointments = appointments.dropna(subset=["booking_id", "patient_id", "doctor_id", "booking_date", "status"])
    # Integral, positive, and doctor ids that fit INTEGER (else COPY fails on the sample data).
    integral = (appointments[["booking_id", "patient_id", "doctor_id"]] % 1 == 0).all(axis=1)
    appointments = appointments[integral & (appointments["doctor_id"].between(0, 2**31 - 1)) & (appointments["booking_id"] >= 0) & (appointments["patient_id"] >= 0)]
    appointments = appointments.sort_values(["booking_id", "booking_date"], kind="stable").drop_duplicates("booking_id", keep="first")
    for column in ("booking_id", "patient_id", "doctor_id"):
        appointments[column] = appointments[column].astype("int64")
    appointments = appointments[["booking_id", "patient_id", "doctor_id", "booking_date", "status"]]
    missing = sorted(set(appointments["doctor_id"]) - set(doctors["doctor_id"]))
    placeholders = pd.DataFrame({"doctor_id": missing, "name": "Unknown", "specialty": "Unknown"})
    doctors = pd.concat([doctors[["doctor_id", "name", "specialty"]], placeholders], ignore_index=True).astype({"doctor_id": "int64"})
    times["clean"] = time.perf_counter() - start

    start = time.perf_counter()
    out_dir = tempfile.mkdtemp(prefix="brief-stack-")
    doctors.to_csv(os.path.join(out_dir, "final_doctors.csv"), index=False)
    appointments.to_csv(os.path.join(out_dir, "final_appointments.csv"), index=False, date_format="%Y-%m-%d")
    times["outputs"] = time.perf_counter() - start

    start = time.perf_counter()
    with psycopg2.connect(db_url.replace("postgresql+psycopg2://", "postgresql://")) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        cur.execute(f"CREATE TABLE IF NOT EXISTS {schema}.doctors (doctor_id INTEGER PRIMARY KEY, name TEXT NOT NULL, specialty TEXT)")
        cur.execute(
            f"CREATE TABLE IF NOT EXISTS {schema}.appointments (booking_id BIGINT PRIMARY KEY, patient_id BIGINT NOT NULL,"
            f" doctor_id INTEGER NOT NULL REFERENCES {schema}.doctors(doctor_id), booking_date DATE NOT NULL,"
            f" status TEXT NOT NULL CHECK (status IN ('confirmed','cancelled')))"
        )
        cur.execute(f"TRUNCATE {schema}.appointments, {schema}.doctors")
        for table, frame in (("doctors", doctors), ("appointments", appointments)):
            buffer = io.StringIO()
            frame.to_csv(buffer, index=False, header=False, date_format="%Y-%m-%d")
            buffer.seek(0)
            cur.copy_expert(f"COPY {schema}.{table} ({', '.join(frame.columns)}) FROM STDIN WITH (FORMAT csv)", buffer)
    times["load"] = time.perf_counter() - start
    times["total"] = sum(times.values())
    print(json.dumps({"seconds": {k: round(v, 2) for k, v in times.items()}, "doctors": len(doctors), "appointments": len(appointments), "outputs": out_dir}))


if __name__ == "__main__":
    main()
