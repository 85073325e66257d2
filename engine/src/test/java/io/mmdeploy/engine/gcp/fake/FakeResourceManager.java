package io.mmdeploy.engine.gcp.fake;

import com.google.cloud.resourcemanager.v3.ProjectsGrpc;
import com.google.iam.v1.TestIamPermissionsRequest;
import com.google.iam.v1.TestIamPermissionsResponse;
import io.grpc.stub.StreamObserver;

/** Resource Manager v3 projects: {@code testIamPermissions} on {@code projects/<id>}, answered by {@link FakeIam}. */
public final class FakeResourceManager extends ProjectsGrpc.ProjectsImplBase {
    private final FakeIam iam;

    FakeResourceManager(FakeIam iam) {
        this.iam = iam;
    }

    @Override
    public void testIamPermissions(TestIamPermissionsRequest request, StreamObserver<TestIamPermissionsResponse> response) {
        iam.answer(request, null, response);
    }
}
