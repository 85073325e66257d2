// Seed 002's staging pipeline, its four phases in one run and without approval:
//   1 build the service images          (Build images)
//   2 apply the services' infrastructure (Migrations, Services plan and apply, Service URLs secret)
//   3 build the gateway with those URLs  (Gateway build)
//   4 deploy the gateway                 (Gateway apply, with its health check)
// then the health of everything, the release record and the alias tag. The stage names are the
// phases' steps, so that the stage view reads like the seed's diagram.

/**
 * @param args config (default mm-deploy.yaml), environment (default staging), agent (node label)
 */
void call(Map args = [:]) {
    Map deploy = [environment: 'staging'] + args + [gated: false]
    mmDeployRun(deploy) { Map run ->
        Map common = [environment: run.environment, config: run.config]
        mmDeployRun.phase(run, 'Build images') {
            Map images = mmBuildImages(common)
            echo("Images: ${images.built} built, ${images.reused} reused")
        }
        mmDeployRun.locked(run) {
            mmDeployRun.phase(run, 'Migrations') {
                mmRunMigrations(common)
            }
            mmDeployRun.phase(run, 'Services plan and apply') {
                Map applied = mmApplyTofu(common)
                echo(applied.summaryText)
            }
            mmDeployRun.phase(run, 'Service URLs secret') {
                Map urls = mmServiceUrls(common)
                echo("Service URLs saved as ${urls.secret}")
            }
            mmDeployRun.phase(run, 'Gateway build') {
                mmDeployGateway(common + [buildOnly: true])
            }
            mmDeployRun.phase(run, 'Gateway apply') {
                Map gateway = mmDeployGateway(common)
                mmDeployRun.requireHealthy(run, gateway.health)
            }
            mmDeployRun.phase(run, 'Health') {
                mmDeployRun.requireHealthy(run, mmHealthCheck(common))
            }
            mmDeployRun.recordSuccess(run)
            mmDeployRun.moveAlias(run)
        }
    }
}
