package io.mmdeploy.engine.gcp.fake;

import com.google.iam.v1.TestIamPermissionsRequest;
import com.google.iam.v1.TestIamPermissionsResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the caller's identity may do, as every fake's {@code testIamPermissions} answers it: by default everything; a
 * test withholds a permission everywhere or on one resource. Like the real APIs, a resource accepts only permissions of
 * its own service (Secret Manager refuses to test {@code run.jobs.run} on a secret) and no wildcards.
 */
public final class FakeIam {
    private static final String EVERYWHERE = "*";
    private final Map<String, Set<String>> withheld = new ConcurrentHashMap<>();

    /** The identity lacks {@code permission} on every resource. */
    public FakeIam withhold(String permission) {
        return withhold(EVERYWHERE, permission);
    }

    /** The identity lacks {@code permission} on {@code resource} (e.g. {@code projects/p}, a repository, {@code b/<bucket>}). */
    public FakeIam withhold(String resource, String permission) {
        withheld.computeIfAbsent(resource, k -> ConcurrentHashMap.newKeySet()).add(permission);
        return this;
    }

    public void grantAll() {
        withheld.clear();
    }

    /**
     * The subset of {@code permissions} held on {@code resource}, in the order asked.
     *
     * @param service the permission prefix the resource's API accepts (e.g. {@code secretmanager.}); null for any (a project)
     * @throws IllegalArgumentException naming a permission the resource cannot be asked about
     */
    public List<String> held(String resource, List<String> permissions, String service) {
        for (String p : permissions) {
            if (p.contains("*") || (service != null && !p.startsWith(service))) {
                throw new IllegalArgumentException("Permission " + p + " is not valid for this resource.");
            }
        }
        Set<String> here = withheld.getOrDefault(resource, Set.of());
        Set<String> all = withheld.getOrDefault(EVERYWHERE, Set.of());
        return permissions.stream().filter(p -> !here.contains(p) && !all.contains(p)).toList();
    }

    /** Answers a gRPC testIamPermissions call for a resource of {@code service} (null: a project). */
    void answer(TestIamPermissionsRequest request, String service, StreamObserver<TestIamPermissionsResponse> response) {
        try {
            response.onNext(TestIamPermissionsResponse.newBuilder()
                    .addAllPermissions(held(request.getResource(), request.getPermissionsList(), service)).build());
            response.onCompleted();
        } catch (IllegalArgumentException e) {
            response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        }
    }
}
