//! Azure ML CLI v2 YAML → `AmlDoc`. Recognised by `$schema` (the URL's file name) first, then by
//! shape (the rules of the corpus's SOURCE.md). The kind label is `azureml/<family>[/<variant>]`,
//! the same names as the corpus MANIFEST (`online-endpoint/managed`, `datastore/azure_blob`…).

use super::aml_fields::{
    datastore_credential, datastore_refs, enum_of, env_vars, identity, job_identity, loc, loc_path,
    normalise_enum, truthy, txt,
};
use super::raw::{
    AmlDoc, AmlKind, ComputeSpec, ConnectionSpec, DatastoreSpec, DeploymentSpec, EndpointSpec,
    EnvironmentSpec, JobSpec, JobStep, WorkspaceSpec,
};
use super::yaml::Y;
use crate::source::{Located, Source};
use crate::text;
use std::sync::Arc;

/// What a document was recognised as: family, variant, and flags the builders need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognised {
    pub family: &'static str,
    pub variant: Option<String>,
}

impl Recognised {
    fn new(family: &'static str, variant: Option<&str>) -> Self {
        Recognised {
            family,
            variant: variant.map(str::to_string),
        }
    }
    /// `azureml/<family>[/<variant>]`.
    pub fn label(&self) -> String {
        match &self.variant {
            Some(v) => format!("azureml/{}/{v}", self.family),
            None => format!("azureml/{}", self.family),
        }
    }
}

/// Recognise an Azure ML YAML document; None when it is not one.
pub fn recognise(y: &Y) -> Option<Recognised> {
    y.as_map()?;
    if let Some(schema) = y.get("$schema").and_then(Y::text) {
        let lower = schema.to_ascii_lowercase();
        if lower.contains("azureml") || lower.contains("promptflow") {
            return Some(by_schema(&lower, y));
        }
    }
    by_shape(y)
}

fn type_of(y: &Y) -> Option<String> {
    y.get("type").and_then(Y::text).map(|t| normalise_enum(&t))
}

fn by_schema(url: &str, y: &Y) -> Recognised {
    let file = url.trim().rsplit('/').next().unwrap_or_default();
    let base = file.trim_end_matches(".json").trim_end_matches(".schema");
    let ty = type_of(y);
    let r = Recognised::new;
    match base {
        "workspace" => r("workspace", None),
        "featurestore" => r("workspace", Some("featurestore")),
        "amlcompute" => r("compute", Some("amlcompute")),
        "computeinstance" => r("compute", Some("computeinstance")),
        "vmcompute" | "virtualmachinecompute" => r("compute", Some("virtualmachine")),
        "kubernetescompute" => r("compute", Some("kubernetes")),
        "managedonlineendpoint" => r("online-endpoint", Some("managed")),
        "kubernetesonlineendpoint" => r("online-endpoint", Some("kubernetes")),
        "managedonlinedeployment" => r("online-deployment", Some("managed")),
        "kubernetesonlinedeployment" => r("online-deployment", Some("kubernetes")),
        "batchendpoint" => r("batch-endpoint", None),
        "batchdeployment" | "modelbatchdeployment" => r("batch-deployment", Some("model")),
        "pipelinecomponentbatchdeployment" => r("batch-deployment", Some("pipeline-component")),
        "azureblob" => r("datastore", Some("azure_blob")),
        "azurefile" => r("datastore", Some("azure_file")),
        "azuredatalakegen1" => r("datastore", Some("azure_data_lake_gen1")),
        "azuredatalakegen2" => r("datastore", Some("azure_data_lake_gen2")),
        "onelake" => r("datastore", Some("one_lake")),
        "hdfs" => r("datastore", Some("hdfs")),
        "connection" => r("connection", Some(ty.as_deref().unwrap_or("unknown"))),
        "environment" => r("environment", None),
        "data" => r("data", None),
        "dataimport" => r("data", Some("import")),
        "model" => r("model", None),
        "registry" => r("registry", None),
        b if b.ends_with("connection") => {
            let t = ty.unwrap_or_else(|| normalise_enum(b.trim_end_matches("connection")));
            if url.contains("promptflow") {
                Recognised {
                    family: "connection",
                    variant: Some(format!("promptflow-{t}")),
                }
            } else {
                Recognised {
                    family: "connection",
                    variant: Some(t),
                }
            }
        }
        b if b.ends_with("compute") => {
            let t = ty.unwrap_or_else(|| b.trim_end_matches("compute").to_string());
            Recognised {
                family: "compute",
                variant: Some(t),
            }
        }
        b if b.ends_with("job") => {
            let t = ty.unwrap_or_else(|| normalise_enum(b.trim_end_matches("job")));
            Recognised {
                family: "job",
                variant: Some(t),
            }
        }
        b if b.ends_with("component") => r("component", None),
        b if b.ends_with("schedule") => r("schedule", None),
        b => Recognised {
            family: "other",
            variant: Some(b.to_string()),
        },
    }
}

const JOB_TYPES: [&str; 10] = [
    "command",
    "pipeline",
    "sweep",
    "spark",
    "automl",
    "finetuning",
    "distillation",
    "parallel",
    "import",
    "data_transfer",
];
const COMPUTE_TYPES: [&str; 6] = [
    "amlcompute",
    "computeinstance",
    "compute_instance",
    "kubernetes",
    "synapsespark",
    "virtualmachine",
];
const DATASTORE_TYPES: [&str; 6] = [
    "azure_blob",
    "azure_file",
    "azure_data_lake_gen1",
    "azure_data_lake_gen2",
    "one_lake",
    "hdfs",
];
const FRAGMENT_KEYS: [&str; 7] = [
    "identity",
    "managed_network",
    "name",
    "public_network_access",
    "description",
    "tags",
    "display_name",
];
const WORKSPACE_KEYS: [&str; 6] = [
    "storage_account",
    "key_vault",
    "application_insights",
    "container_registry",
    "hbi_workspace",
    "primary_user_assigned_identity",
];

fn by_shape(y: &Y) -> Option<Recognised> {
    let has = |k: &str| y.has(k);
    let ty = type_of(y);
    let t = ty.as_deref().unwrap_or_default();
    let r = Recognised::new;
    if has("replication_locations") {
        return Some(r("registry", None));
    }
    if (has("identity") || has("managed_network")) && y.keys().all(|k| FRAGMENT_KEYS.contains(&k)) {
        return Some(r("workspace", Some("update-fragment")));
    }
    if has("endpoint_name") {
        let batch = has("compute")
            || has("mini_batch_size")
            || has("settings")
            || has("component")
            || t == "model"
            || t == "pipeline";
        return Some(if batch {
            r(
                "batch-deployment",
                Some(if t == "pipeline" {
                    "pipeline-component"
                } else {
                    "model"
                }),
            )
        } else {
            r("online-deployment", Some("managed"))
        });
    }
    if DATASTORE_TYPES.contains(&t)
        && !has("target")
        && (has("account_name")
            || has("store_name")
            || has("credentials")
            || has("container_name")
            || has("filesystem"))
    {
        return Some(r("datastore", Some(t)));
    }
    if !t.is_empty()
        && (has("target")
            || has("credentials")
            || has("api_key")
            || has("api_base")
            || has("azure_endpoint"))
        && !JOB_TYPES.contains(&t)
    {
        return Some(r("connection", Some(t)));
    }
    if JOB_TYPES.contains(&t) {
        return Some(Recognised {
            family: "job",
            variant: Some(t.to_string()),
        });
    }
    if COMPUTE_TYPES.contains(&t) {
        return Some(Recognised {
            family: "compute",
            variant: Some(t.replace('_', "")),
        });
    }
    if has("auth_mode") {
        return Some(if has("defaults") {
            r("batch-endpoint", None)
        } else if has("compute") {
            r("online-endpoint", Some("kubernetes"))
        } else {
            r("online-endpoint", Some("managed"))
        });
    }
    if has("command") && (has("environment") || has("compute")) {
        return Some(r("job", Some("command")));
    }
    if has("jobs") && (has("settings") || has("compute") || has("inputs") || has("outputs")) {
        return Some(r("job", Some("pipeline")));
    }
    if (has("image") || has("build")) && !has("command") {
        return Some(r("environment", None));
    }
    if has("location") && WORKSPACE_KEYS.iter().any(|k| has(k)) {
        return Some(r("workspace", None));
    }
    None
}

/// Build the `AmlDoc` for a recognised document.
pub fn build(y: &Y, rec: &Recognised, file: &Arc<str>, dir: &str) -> AmlDoc {
    let variant = rec.variant.as_deref().unwrap_or_default();
    let kind = match rec.family {
        "workspace" => AmlKind::Workspace(workspace(y, variant == "update-fragment")),
        "compute" => AmlKind::Compute(compute(y, variant)),
        "online-endpoint" => AmlKind::OnlineEndpoint(endpoint(y, variant == "kubernetes")),
        "batch-endpoint" => AmlKind::BatchEndpoint(endpoint(y, false)),
        "online-deployment" => {
            AmlKind::OnlineDeployment(deployment(y, variant == "kubernetes", false))
        }
        "batch-deployment" => AmlKind::BatchDeployment(deployment(y, false, true)),
        "datastore" => AmlKind::Datastore(datastore(y, variant)),
        "job" => AmlKind::Job(job(y, variant)),
        "connection" => AmlKind::Connection(connection(y, variant)),
        "environment" => AmlKind::Environment(environment(y)),
        "registry" => AmlKind::Registry,
        "data" => AmlKind::Data,
        "model" => AmlKind::Model,
        "component" => AmlKind::Component,
        "schedule" => AmlKind::Schedule,
        _ => AmlKind::Other(variant.to_string()),
    };
    AmlDoc {
        source: Source::line(file, y.line.max(1)),
        id: arm_id(y),
        dir: dir.to_string(),
        name: loc(y, "name"),
        kind,
    }
}

fn arm_id(y: &Y) -> Option<String> {
    txt(y, "id").filter(|s| s.starts_with('/'))
}

pub fn workspace(y: &Y, update_fragment: bool) -> WorkspaceSpec {
    let cmk = |k: &str| loc(y, k).or_else(|| loc_path(y, &["customer_managed_key", k]));
    WorkspaceSpec {
        id: arm_id(y),
        subscription: txt(y, "subscription_id").or_else(|| txt(y, "subscription")),
        resource_group: txt(y, "resource_group"),
        identity: identity(y),
        primary_user_assigned_identity: loc(y, "primary_user_assigned_identity"),
        user_assigned_identity_for_cmk_encryption: cmk("user_assigned_identity_for_cmk_encryption"),
        storage_account: loc(y, "storage_account"),
        key_vault: loc(y, "key_vault"),
        container_registry: loc(y, "container_registry"),
        application_insights: loc(y, "application_insights"),
        public_network_access: lower(loc(y, "public_network_access")),
        system_datastores_auth_mode: enum_of(y, "system_datastores_auth_mode"),
        update_fragment,
    }
}

fn lower(l: Option<Located<String>>) -> Option<Located<String>> {
    l.map(|l| Located::new(l.value.to_ascii_lowercase(), l.line))
}

pub fn compute(y: &Y, variant: &str) -> ComputeSpec {
    let compute_type = type_of(y)
        .map(|t| t.replace('_', ""))
        .unwrap_or_else(|| variant.to_string());
    let has_admin_password = y
        .path(&["ssh_settings", "admin_password"])
        .and_then(Y::text)
        .is_some();
    ComputeSpec {
        id: arm_id(y),
        compute_type,
        identity: identity(y),
        resource_id: loc(y, "resource_id"),
        has_admin_password,
    }
}

pub fn endpoint(y: &Y, kubernetes_schema: bool) -> EndpointSpec {
    let enforce = y.get("properties").and_then(|p| {
        let v = p.get("enforce_access_to_default_secret_stores")?.as_str()?;
        Some(Located::new(
            truthy(v),
            p.key_line("enforce_access_to_default_secret_stores"),
        ))
    });
    let compute = loc(y, "compute");
    EndpointSpec {
        id: arm_id(y),
        auth_mode: enum_of(y, "auth_mode"),
        identity: identity(y),
        enforce_access_to_default_secret_stores: enforce,
        kubernetes: kubernetes_schema || compute.is_some(),
        compute,
        public_network_access: lower(loc(y, "public_network_access")),
    }
}

pub fn deployment(y: &Y, kubernetes: bool, batch: bool) -> DeploymentSpec {
    let env = y.get("environment");
    let image = env.and_then(|e| loc(e, "image"));
    let environment_ref = env
        .and_then(Y::text)
        .map(|s| Located::new(text::redact(&s).into_owned(), y.key_line("environment")));
    let mut environment_variables = env_vars(y.get("environment_variables"));
    if batch {
        environment_variables.extend(env_vars(y.path(&["settings", "environment_variables"])));
    }
    let compute = loc(y, "compute");
    DeploymentSpec {
        endpoint_name: loc(y, "endpoint_name"),
        kubernetes: kubernetes || (!batch && compute.is_some()),
        image,
        environment_ref,
        environment_variables,
        compute: if batch { compute } else { None },
    }
}

pub fn datastore(y: &Y, variant: &str) -> DatastoreSpec {
    let (credential, credential_line) = datastore_credential(y);
    let name = txt(y, "name");
    DatastoreSpec {
        id: arm_id(y),
        datastore_type: type_of(y).unwrap_or_else(|| variant.to_string()),
        account_name: loc(y, "account_name").or_else(|| loc(y, "store_name")),
        container: loc(y, "container_name")
            .or_else(|| loc(y, "filesystem"))
            .or_else(|| loc(y, "file_share_name")),
        credential,
        credential_line,
        tenant_id: y.get("credentials").and_then(|c| txt(c, "tenant_id")),
        endpoint: txt(y, "endpoint"),
        is_default: name.as_deref() == Some("workspaceblobstore")
            || y.get("is_default").and_then(Y::as_str).is_some_and(truthy),
    }
}

fn compute_ref(y: &Y) -> Option<Located<String>> {
    loc(y, "compute").or_else(|| loc_path(y, &["settings", "default_compute"]))
}

fn image_ref(y: &Y) -> Option<Located<String>> {
    let env = y.get("environment")?;
    loc(env, "image").or_else(|| {
        env.text()
            .map(|s| Located::new(text::redact(&s).into_owned(), y.key_line("environment")))
    })
}

pub fn job(y: &Y, variant: &str) -> JobSpec {
    let settings = y.get("settings");
    let misplaced_identity_line = settings
        .filter(|s| s.has("identity"))
        .map(|s| s.key_line("identity"));
    let steps = y
        .get("jobs")
        .and_then(Y::as_map)
        .unwrap_or_default()
        .iter()
        .map(|(k, step)| job_step(k.text.clone(), k.line, step))
        .collect();
    let mut images: Vec<Located<String>> = image_ref(y).into_iter().collect();
    if let Some(m) = y.get("jobs").and_then(Y::as_map) {
        images.extend(m.iter().filter_map(|(_, s)| image_ref(s)));
    }
    JobSpec {
        job_type: type_of(y).unwrap_or_else(|| {
            if variant.is_empty() {
                "command".to_string()
            } else {
                variant.to_string()
            }
        }),
        compute: compute_ref(y),
        identity: job_identity(y),
        misplaced_identity_line,
        steps,
        datastores: datastore_refs(y),
        images,
    }
}

fn job_step(name: String, line: u32, step: &Y) -> JobStep {
    let step_type = type_of(step);
    let inline_pipeline = step
        .get("component")
        .is_some_and(|c| type_of(c).as_deref() == Some("pipeline"));
    JobStep {
        name: Located::new(text::redact(&name).into_owned(), line),
        is_pipeline_component: step_type.as_deref() == Some("pipeline") || inline_pipeline,
        step_type,
        compute: compute_ref(step),
        identity: job_identity(step),
        datastores: datastore_refs(step),
    }
}

const SECRET_CRED_KEYS: [&str; 8] = [
    "pat",
    "password",
    "sas_token",
    "client_secret",
    "secret_access_key",
    "key",
    "account_key",
    "api_key",
];

pub fn connection(y: &Y, variant: &str) -> ConnectionSpec {
    let connection_type =
        type_of(y).unwrap_or_else(|| variant.trim_start_matches("promptflow-").to_string());
    let creds = y.get("credentials").filter(|c| c.as_map().is_some());
    let non_empty = |p: &Y, k: &str| p.get(k).and_then(Y::text).is_some();
    let top_secret = ["api_key", "key"].iter().any(|k| non_empty(y, k));
    let cred_secret = creds.is_some_and(|c| {
        c.keys()
            .any(|k| SECRET_CRED_KEYS.contains(&k) || text::is_secret_key(k))
            && c.as_map()
                .unwrap_or_default()
                .iter()
                .any(|(k, v)| text::is_secret_key(&k.text) && v.text().is_some())
    });
    let credential_type = match creds {
        Some(c) => c
            .get("type")
            .and_then(Y::text)
            .map(|t| normalise_enum(&t))
            .unwrap_or_else(|| infer_cred_type(c)),
        None if y.has("api_key") => "api_key".to_string(),
        None => "none".to_string(),
    };
    let target = ["target", "azure_endpoint", "api_base", "endpoint"]
        .iter()
        .find_map(|k| loc(y, k));
    ConnectionSpec {
        connection_type,
        target,
        credential_type,
        client_id: creds.and_then(|c| loc(c, "client_id")),
        resource_id: creds.and_then(|c| loc(c, "resource_id")),
        has_secret: top_secret || cred_secret,
    }
}

fn infer_cred_type(c: &Y) -> String {
    let has = |k: &str| c.has(k);
    let t = if has("pat") {
        "pat"
    } else if has("sas_token") {
        "sas"
    } else if has("account_key") {
        "account_key"
    } else if has("access_key_id") || has("secret_access_key") {
        "access_key"
    } else if has("client_secret") {
        "service_principal"
    } else if has("username") || has("password") {
        "username_password"
    } else if has("key") {
        "api_key"
    } else if has("client_id") || has("resource_id") {
        "managed_identity"
    } else {
        "none"
    };
    t.to_string()
}

pub fn environment(y: &Y) -> EnvironmentSpec {
    let build_path = y.get("build").and_then(|b| {
        loc(b, "path").or_else(|| b.text().map(|s| Located::new(s, y.key_line("build"))))
    });
    EnvironmentSpec {
        image: loc(y, "image"),
        build_path,
        conda_file: loc(y, "conda_file").or_else(|| {
            y.get("conda_file")
                .map(|_| Located::new("(inline)".to_string(), y.key_line("conda_file")))
        }),
    }
}

#[cfg(test)]
#[path = "azureml_tests.rs"]
mod tests;
