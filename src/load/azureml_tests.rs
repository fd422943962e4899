//! Unit tests of Azure ML YAML recognition and extraction.
use super::*;
use crate::load::{yaml, Limits};

fn y(s: &str) -> Y {
    yaml::parse(s, &Limits::default()).unwrap().unwrap()
}

fn label(s: &str) -> Option<String> {
    recognise(&y(s)).map(|r| r.label())
}

#[test]
fn recognises_by_schema() {
    let cases = [
        ("$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json  \nname: x\n", "azureml/online-endpoint/managed"),
        ("$schema: http://azureml/sdk-2-0/Connection.json\ntype: s3\n", "azureml/connection/s3"),
        ("$schema: https://azuremlschemas.azureedge.net/promptflow/latest/AzureOpenAIConnection.schema.json\ntype: azure_open_ai\n", "azureml/connection/promptflow-azure_open_ai"),
        ("$schema: https://azuremlsdk2.blob.core.windows.net/preview/0.0.1/autoMLJob.schema.json\n", "azureml/job/automl"),
        ("$schema: http://azureml/sdk-2-0/PipelineJob.json\n", "azureml/job/pipeline"),
        ("$schema: https://azuremlschemas.azureedge.net/latest/pipelineComponentBatchDeployment.schema.json\n", "azureml/batch-deployment/pipeline-component"),
        ("$schema: http://azureml/sdk-2-0/FeatureStore.json\n", "azureml/workspace/featurestore"),
        ("$schema: https://azuremlschemas.azureedge.net/latest/kubernetesCompute.schema.json\n", "azureml/compute/kubernetes"),
        ("$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json\n", "azureml/component"),
        ("$schema: http://azureml/sdk-2-0/Schedule.json\n", "azureml/schedule"),
        ("$schema: http://azureml/sdk-2-0/DataImport.json\n", "azureml/data/import"),
    ];
    for (src, want) in cases {
        assert_eq!(label(src).as_deref(), Some(want), "{src}");
    }
}

#[test]
fn recognises_by_shape() {
    assert_eq!(
        label("command: echo\nenvironment: azureml:e:1\ncompute: c\n").as_deref(),
        Some("azureml/job/command")
    );
    assert_eq!(
        label("identity:\n  type: system_assigned\n").as_deref(),
        Some("azureml/workspace/update-fragment")
    );
    assert_eq!(
        label("type: git\ntarget: https://x\ncredentials:\n  type: pat\n  pat: p\n").as_deref(),
        Some("azureml/connection/git")
    );
    assert_eq!(
        label("type: synapsespark\nresource_id: /x\n").as_deref(),
        Some("azureml/compute/synapsespark")
    );
    assert_eq!(
        label("name: r\nreplication_locations: []\n").as_deref(),
        Some("azureml/registry")
    );
    assert_eq!(
        label("channels: [defaults]\ndependencies: [python]\n"),
        None
    );
    assert_eq!(label("- a\n- b\n"), None);
}

#[test]
fn endpoint_fields() {
    let e = endpoint(
        &y("auth_mode: Key\nproperties:\n  enforce_access_to_default_secret_stores: True\n"),
        false,
    );
    assert_eq!(e.auth_mode.unwrap().value, "key");
    assert_eq!(
        e.enforce_access_to_default_secret_stores.unwrap(),
        Located::new(true, 3)
    );
    let e = endpoint(&y("auth_mode: AMLToken\ncompute: azureml:k8s\n"), false);
    assert_eq!(e.auth_mode.unwrap().value, "aml_token");
    assert!(e.kubernetes);
    assert!(endpoint(&y("name: e\n"), false).auth_mode.is_none());
}

#[test]
fn job_fields() {
    let j = job(&y("type: pipeline\nsettings:\n  default_compute: azureml:cpu\n  identity:\n    type: user_identity\njobs:\n  s1:\n    type: spark\n    compute: ${{parent.inputs.c}}\n    identity:\n      type: ManagedIdentity\n    inputs:\n      d: azureml://datastores/ds1/paths/a\n"), "pipeline");
    assert_eq!(j.compute.unwrap().value, "azureml:cpu");
    assert_eq!(j.misplaced_identity_line, Some(4));
    assert!(j.identity.is_none());
    let s = &j.steps[0];
    assert_eq!(s.compute.as_ref().unwrap().value, "${{parent.inputs.c}}");
    assert_eq!(s.identity.as_ref().unwrap().kind, "managed");
    assert_eq!(s.datastores[0].value, "ds1");
    assert_eq!(j.datastores[0].value, "ds1");
}

#[test]
fn connection_fields() {
    let c = connection(&y("type: container_registry\ntarget: https://f\ncredentials:\n  type: managed_identity\n  client_id: cid\n  resource_id: rid\n"), "");
    assert_eq!(
        (c.credential_type.as_str(), c.has_secret),
        ("managed_identity", false)
    );
    assert_eq!(c.client_id.unwrap().value, "cid");
    let c = connection(
        &y("type: azure_open_ai\napi_key: \"<user-input>\"\napi_base: b\n"),
        "",
    );
    assert_eq!(
        (c.credential_type.as_str(), c.has_secret),
        ("api_key", true)
    );
    assert_eq!(c.target.unwrap().value, "b");
    let c = connection(&y("type: git\ntarget: t\n"), "");
    assert_eq!(c.credential_type, "none");
    let c = connection(
        &y("type: git\ntarget: t\ncredentials:\n  type: PAT\n  pat: abc\n"),
        "",
    );
    assert_eq!((c.credential_type.as_str(), c.has_secret), ("pat", true));
}

#[test]
fn environment_built_or_as_is() {
    let built = environment(&y(
        "image: acrp.azurecr.io/b:1\nconda_file:\n  name: x\n  dependencies: [pip]\n",
    ));
    assert_eq!(
        built.image.map(|i| i.value).as_deref(),
        Some("acrp.azurecr.io/b:1")
    );
    assert_eq!(built.conda_file.map(|c| c.line), Some(2));
    let file = environment(&y("image: mcr.microsoft.com/x:1\nconda_file: conda.yml\n"));
    assert_eq!(
        file.conda_file.map(|c| c.value).as_deref(),
        Some("conda.yml")
    );
    let as_is = environment(&y("image: acrp.azurecr.io/b:1\n"));
    assert!(as_is.conda_file.is_none() && as_is.build_path.is_none());
}
