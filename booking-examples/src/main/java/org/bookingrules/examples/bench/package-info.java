/**
 * Benchmarks of Booking Rules (results and the commands to rerun them in {@code BENCHMARKS.md}
 * at the repository root):
 * <ul>
 *   <li>{@link org.bookingrules.examples.bench.LoadBenchmark}: the library's {@code book} and {@code cancel}
 *       through {@code BookingRules} and {@code JdbcBookingRepository} against the same transactions written
 *       by hand with plain JDBC ({@link org.bookingrules.examples.bench.RawBookings}), alternated in one run,
 *       on PostgreSQL and H2, with throughput, p50/p99 latency and the ratio library/raw;</li>
 *   <li>{@link org.bookingrules.examples.bench.ClientCostBenchmark}: the same two sides on one thread, with
 *       the CPU time (client thread and, on PostgreSQL, server) and the bytes allocated per operation;</li>
 *   <li>{@link org.bookingrules.examples.bench.DecisionBenchmarks}: JMH, the cost of a policy decision, of
 *       {@code permissions} and of a token verification, run by
 *       {@link org.bookingrules.examples.bench.DecisionBenchmarkMain};</li>
 *   <li>{@link org.bookingrules.examples.bench.ReminderSweepBenchmark}: the due-reminder query at 1,000,000
 *       bookings on PostgreSQL, its time and its plan;</li>
 *   <li>{@link org.bookingrules.examples.bench.HistoryBenchmark}: book and cancel through the library with
 *       0, 100,000 and 1,000,000 past bookings against an empty table, side by side, with the overlap
 *       check's plan at each size;</li>
 *   <li>{@link org.bookingrules.examples.bench.MemoryBenchmark}: heap bytes per booking in the in-memory
 *       repository.</li>
 * </ul>
 * On PostgreSQL every benchmark works in its own schema, {@value org.bookingrules.examples.bench.BenchDatabase#NAMESPACE}
 * or one whose name starts with it, dropped and created afresh at its start, so it never touches the schemas the tests use. Examples, not
 * library API.
 */
package org.bookingrules.examples.bench;
