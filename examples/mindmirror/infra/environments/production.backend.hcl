# OpenTofu GCS backend for production: state lives in the production project only.
bucket = "mindmirror-69-tfstate"
prefix = "mindmirror/production"
