package io.mmdeploy.engine.gcp;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import io.mmdeploy.engine.diagnostics.DeployException;

/**
 * Turns a Google API error into a {@link DeployException} that names the action, the resource and what to
 * do. The API's own message is kept (it names the missing permission); it never carries secret payloads.
 */
public final class ApiFailure {
    private ApiFailure() {}

    /**
     * @param action what was being done, e.g. "read the secret"
     * @param resource the full resource name
     * @param role the IAM role that allows the action, for the hint on PERMISSION_DENIED
     */
    public static DeployException of(String action, String resource, String role, ApiException e) {
        StatusCode.Code code = e.getStatusCode().getCode();
        String hint = switch (code) {
            case PERMISSION_DENIED, UNAUTHENTICATED -> "Grant the deployer's service account " + role + " on " + resource
                    + " (or check that the environment's credentials belong to this project).";
            case NOT_FOUND -> resource + " does not exist. Check the names in the config and that OpenTofu created it.";
            case UNAVAILABLE, DEADLINE_EXCEEDED -> "The Google API did not answer in time. Nothing was changed by this"
                    + " call when it was a read; run the step again.";
            default -> "";
        };
        return DeployException.of(
                "Cannot " + action + ": " + code,
                resource + "\n" + e.getMessage() + (hint.isEmpty() ? "" : "\n" + hint));
    }

    public static boolean is(ApiException e, StatusCode.Code code) {
        return e.getStatusCode().getCode() == code;
    }
}
