package org.sparecycles.client.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Everything the client must remember across restarts: its attachment (null until attached) and its tasks.
 * Immutable; each change makes a new state.
 */
public record ClientState(int formatVersion, Attachment attachment, List<TaskRecord> tasks) {
    /** Format written by this client. */
    public static final int FORMAT = 1;
    /**
     * Finished (reported or aborted) tasks kept for display; older ones are dropped, and those kept lose their input
     * lists (see {@link TaskRecord#withoutInputs()}).
     */
    public static final int FINISHED_KEPT = 20;

    public ClientState {
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
    }

    /** The state of a client that has never attached. */
    public static ClientState empty() {
        return new ClientState(FORMAT, null, List.of());
    }

    public ClientState withAttachment(Attachment a) {
        return new ClientState(formatVersion, a, tasks);
    }

    public Optional<TaskRecord> task(long resultId) {
        return tasks.stream().filter(t -> t.resultId() == resultId).findFirst();
    }

    /** Adds a task; a task with the same result id already held is kept as is. */
    public ClientState withTask(TaskRecord task) {
        if (task(task.resultId()).isPresent()) {
            return this;
        }
        List<TaskRecord> next = new ArrayList<>(tasks);
        next.add(task);
        return new ClientState(formatVersion, attachment, next);
    }

    /** Replaces one task by the result of {@code change}; unknown ids leave the state unchanged. */
    public ClientState updateTask(long resultId, UnaryOperator<TaskRecord> change) {
        List<TaskRecord> next = new ArrayList<>(tasks.size());
        for (TaskRecord t : tasks) {
            next.add(t.resultId() == resultId ? change.apply(t) : t);
        }
        return new ClientState(formatVersion, attachment, pruned(next));
    }

    private static List<TaskRecord> pruned(List<TaskRecord> all) {
        long finished = all.stream().filter(t -> !t.state().isActive()).count();
        List<TaskRecord> out = new ArrayList<>(all.size());
        for (TaskRecord t : all) {
            if (t.state().isActive()) {
                out.add(t);
            } else if (finished > FINISHED_KEPT) {
                finished--;
            } else {
                // a task of 200 inputs keeps 40 KB of input list, and the state file is saved several times a task
                out.add(t.withoutInputs());
            }
        }
        return out;
    }
}
