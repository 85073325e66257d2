package io.mmdeploy.engine.release;

import java.util.List;

/**
 * Where an environment's release records live, readable by a later run that has nothing of the run that
 * wrote them. Append-only: a record is finalised by appending a new copy under the same id.
 */
public interface ReleaseStore {
    /** Appends a copy of the record; nothing stored before is changed. */
    void append(ReleaseRecord record);

    /** Every stored copy, in the order they were appended (oldest first). */
    List<ReleaseRecord> readAll();
}
