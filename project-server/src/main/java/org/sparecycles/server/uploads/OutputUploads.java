package org.sparecycles.server.uploads;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.sparecycles.server.accounts.Caller;
import org.sparecycles.server.db.Jdbc;
import org.sparecycles.server.error.ConflictException;
import org.sparecycles.server.error.ForbiddenException;
import org.sparecycles.server.error.InvalidRequestException;
import org.sparecycles.server.error.NotFoundException;
import org.sparecycles.server.error.PayloadTooLargeException;
import org.sparecycles.server.files.FileStore;
import org.sparecycles.workunits.hash.Sha256;
import org.sparecycles.workunits.protocol.UploadReceipt;

/**
 * Output uploads ({@code PUT /results/{id}/output}): checked against the result's state and owner, the size
 * limit and the declared SHA-256 before anything is stored; the bytes go to the file store, which is all an
 * upload changes: the SUCCESS report names the output by hash and size, and the scheduler records it on the result
 * once the store holds it (no database write and no wait for one per upload). Thread-safe.
 */
public final class OutputUploads {
    private final Jdbc jdbc;
    private final FileStore files;
    private final long maxOutputBytes;

    public OutputUploads(Jdbc jdbc, FileStore files, long maxOutputBytes) {
        this.jdbc = jdbc;
        this.files = files;
        this.maxOutputBytes = maxOutputBytes;
    }

    /**
     * Accepts an output.
     *
     * @param declaredSha256 the {@code X-Content-SHA256} header (may be null: refused)
     * @param contentLength  the declared body length, or -1 when unknown (chunked)
     * @throws NotFoundException        for an unknown result
     * @throws ForbiddenException       when the result is on no host of the caller's account
     * @throws ConflictException        when the result is not in progress
     * @throws PayloadTooLargeException above the largest output accepted
     * @throws InvalidRequestException  for a missing or wrong hash
     */
    public UploadReceipt accept(Caller caller, long resultId, String declaredSha256, long contentLength,
                                InputStream body) throws IOException {
        Optional<Object[]> row = jdbc.queryOne("SELECT account_id, server_state FROM results WHERE id = ?",
                rs -> new Object[] {Jdbc.nullableLong(rs, "account_id"), rs.getString(2)}, resultId);
        if (row.isEmpty()) {
            throw new NotFoundException("not_found", "no result " + resultId);
        }
        Long account = (Long) row.get()[0];
        if (account == null || account != caller.accountId()) {
            throw new ForbiddenException("forbidden", "result " + resultId + " is not on a host of this account");
        }
        if (!"IN_PROGRESS".equals(row.get()[1])) {
            throw new ConflictException("result_over", "result " + resultId + " is " + row.get()[1]
                    + ", not IN_PROGRESS: the output is no longer accepted");
        }
        if (contentLength > maxOutputBytes) {
            throw tooLarge(resultId, contentLength);
        }
        String declared = declaredSha256 == null ? null : declaredSha256.trim().toLowerCase(java.util.Locale.ROOT);
        if (!Sha256.isValid(declared)) {
            throw new InvalidRequestException("invalid_upload", "X-Content-SHA256: '" + declaredSha256
                    + "' is not a SHA-256 in hex");
        }
        FileStore.PutOutcome outcome = files.put(body, maxOutputBytes, declared);
        if (outcome instanceof FileStore.PutOutcome.TooLarge) {
            throw tooLarge(resultId, -1);
        }
        if (outcome instanceof FileStore.PutOutcome.HashMismatch m) {
            throw new InvalidRequestException("hash_mismatch", "result " + resultId + ": the body's SHA-256 is "
                    + m.actual() + " (" + m.size() + " bytes), the X-Content-SHA256 header says " + declared);
        }
        FileStore.StoredFile stored = ((FileStore.PutOutcome.Stored) outcome).file();
        return new UploadReceipt(resultId, stored.sha256(), stored.size());
    }

    private PayloadTooLargeException tooLarge(long resultId, long size) {
        return new PayloadTooLargeException("output_too_large", "result " + resultId + ": the output"
                + (size >= 0 ? " (" + size + " bytes)" : "") + " is larger than the " + maxOutputBytes
                + " bytes accepted");
    }
}
