-- The fold queue churns: every queued call is deleted by a fold moments later. PostgreSQL's
-- autovacuum by default waits for dead rows to reach 20 % of a table, so a queue grown large by a
-- burst would keep hundreds of thousands of dead rows under the readers' index scans; here it
-- vacuums the queue once 10,000 rows have died, whatever its size. (PGlite runs no autovacuum:
-- the folder vacuums the queue itself there.)
ALTER TABLE "rollup_pending" SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000, autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 10000);
