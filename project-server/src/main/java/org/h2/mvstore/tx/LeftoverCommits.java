package org.h2.mvstore.tx;

/**
 * Finishes the transactions H2 2.5 leaves half-done when it opens a database after a crash.
 *
 * <p>H2 marks a transaction's undo log as committed, then applies the changes and clears the log. When its background
 * writer writes the store between those two steps and the process is killed before the next write, the database
 * opens with that transaction left over in the state COMMITTED. H2's {@code endLeftoverTransactions} calls
 * {@code Transaction.commit()} on it, which in 2.5.252 does nothing for a transaction that is no longer active (2.4.240
 * still applied it). The transaction then keeps its rows locked while the database is open, and stays in the store for
 * the next start: any statement that writes one of those rows waits on it for ever (H2 spins in
 * {@code TransactionMap.set}) or fails with "Timeout trying to lock table". Seen after {@code kill -9} of the server in
 * 3 of 80 runs of project-server's {@code SchedulerCrashTest}, which also starts a server on a data dir captured so.
 *
 * <p>This class does what H2's recovery did before: apply the logged changes as committed and close the transaction.
 * It lives in H2's package because both steps are package-private. It runs right after the database opened, before
 * any other statement, when a transaction in the state COMMITTED can only be one the recovery left over.
 */
public final class LeftoverCommits {
    private LeftoverCommits() {
    }

    /**
     * Applies and closes every transaction of the store in the state COMMITTED; call right after the database opened,
     * before any other statement.
     *
     * @return how many there were
     */
    public static int finish(TransactionStore store) {
        int finished = 0;
        for (Transaction t : store.getOpenTransactions()) {
            if (t.getStatus() == Transaction.STATUS_COMMITTED) {
                store.commit(t, true); // recovery: the undo log is marked committed already; apply it and clear it
                t.close(true, null);
                finished++;
            }
        }
        return finished;
    }
}
