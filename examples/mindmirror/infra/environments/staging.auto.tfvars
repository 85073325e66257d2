# staging: written by hand except for the image lines, which mm-deploy rewrites on every deploy.
project_id           = "mindmirror-staging"
project_numerical_id = "1234567890"  # staging project number
region               = "us-east4"
environment          = "staging"
service_name_suffix  = "-staging"

// Images (by digest once mm-deploy has deployed)
agent_service_container_image = "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/agent-service:initial"
journal_service_container_image = "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/journal-service:initial"
habits_service_container_image = "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/habits-service:initial"
meals_service_container_image = "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/meals-service:initial"
movements_service_container_image = "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/movements-service:initial"
practices_service_container_image = "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/practices-service:initial"
users_service_container_image = "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/users-service:initial"
celery_worker_container_image = "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/celery-worker:initial"
gateway_container_image = "us-east4-docker.pkg.dev/mindmirror-staging/mindmirror/mesh-gateway:initial"
