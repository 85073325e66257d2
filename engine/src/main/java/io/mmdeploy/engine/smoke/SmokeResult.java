package io.mmdeploy.engine.smoke;

/**
 * How one smoke test ended, as the release record keeps it: no header value, no body beyond what failed.
 *
 * @param target the service or gateway
 * @param name the check's name
 * @param status the HTTP status of the answer; 0 when there was none
 * @param detail why it failed (masked); empty when it passed
 */
public record SmokeResult(String target, String name, String method, String path, boolean passed, int status, long millis,
        String detail) {}
