# OpenTofu GCS backend for staging: state lives in the staging project only.
bucket = "mindmirror-staging-tfstate"
prefix = "mindmirror/staging"
