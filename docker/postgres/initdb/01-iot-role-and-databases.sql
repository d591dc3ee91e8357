-- Run once by the postgres image's entrypoint, as the superuser, when the data directory is empty
-- (docker-entrypoint-initdb.d). The same role and databases the local stack creates in
-- stack/src/postgres.ts: the pipeline's database `iot` and Apicurio Registry's own `iot_registry`,
-- both owned by `iot` (since PostgreSQL 15 only the owner may create tables in `public`).
-- REPLICATION: Debezium's Postgres source connector reads the WAL as this role.
CREATE ROLE iot LOGIN REPLICATION PASSWORD 'iot';
CREATE DATABASE iot OWNER iot;
CREATE DATABASE iot_registry OWNER iot;
