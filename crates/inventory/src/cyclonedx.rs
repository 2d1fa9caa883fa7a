//! The inventory as a CycloneDX 1.6 JSON document: the AI bill of materials an
//! organisation keeps. Assistants are `application` components and models
//! `machine-learning-model` components; MCP servers are services; everything CycloneDX
//! has no field for is a `tollgate:`-namespaced property. The order of every list is
//! the inventory's (stable), so two runs differ only in serial number and timestamp.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::{Inventory, ModelEntry};

/// The BOM of `inventory` for the repository called `subject`, with a fresh random
/// serial number and the current time.
pub fn render(inventory: &Inventory, subject: &str) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let timestamp = tollgate_core::finding::rfc3339(i64::try_from(now).unwrap_or(0));
    let doc = document(inventory, subject, &random_uuid(), &timestamp);
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// The BOM as a JSON value, with the serial number and timestamp given.
pub fn document(inv: &Inventory, subject: &str, uuid: &str, timestamp: &str) -> Value {
    let mut components = Vec::new();
    let mut depends: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for a in &inv.assistants {
        let mut props: Vec<(String, String)> = a.files.iter().map(|f| ("tollgate:file".into(), f.clone())).collect();
        for h in inv.hooks.iter().filter(|h| h.assistant == a.id) {
            let matcher = h.matcher.as_deref().map(|m| format!(" [{m}]")).unwrap_or_default();
            props.push(("tollgate:hook".into(), format!("{}{matcher}: {} ({})", h.event, h.command, h.file)));
        }
        if a.id == crate::AssistantKind::ClaudeCode {
            let hooked = inv.hooks.iter().any(|h| h.assistant == a.id && h.tollgate);
            props.push(("tollgate:agent-hook".into(), hooked.to_string()));
        }
        components.push(json!({
            "type": "application",
            "bom-ref": assistant_ref(a.id.id()),
            "name": a.name,
            "properties": properties(props),
        }));
        depends.entry(assistant_ref(a.id.id())).or_default();
    }
    for m in &inv.models {
        let mut props = vec![
            ("tollgate:assistant".to_string(), m.assistant.id().to_string()),
            ("tollgate:file".into(), m.file.clone()),
            ("tollgate:setting".into(), m.setting.clone()),
        ];
        if let Some(p) = &m.provider {
            props.push(("tollgate:provider".into(), p.clone()));
        }
        components.push(json!({
            "type": "machine-learning-model",
            "bom-ref": model_ref(m),
            "name": m.name,
            "properties": properties(props),
        }));
        depends.entry(assistant_ref(m.assistant.id())).or_default().push(model_ref(m));
    }
    let mut services = Vec::new();
    for s in &inv.mcp_servers {
        let reference = format!("mcp:{}:{}:{}", s.assistant.id(), s.file, s.name);
        let mut props = vec![
            ("tollgate:transport".to_string(), s.transport.clone()),
            ("tollgate:assistant".into(), s.assistant.id().to_string()),
            ("tollgate:file".into(), s.file.clone()),
        ];
        if let Some(c) = &s.command {
            props.push(("tollgate:command".into(), c.clone()));
        }
        if let Some(p) = &s.package {
            props.push(("tollgate:package".into(), p.clone()));
        }
        if let Some(p) = s.pinned {
            props.push(("tollgate:pinned".into(), p.to_string()));
        }
        props
            .push(("tollgate:allowed".into(), s.allowed.map_or_else(|| "no-allowlist".to_string(), |a| a.to_string())));
        let mut service = json!({ "bom-ref": reference, "name": s.name });
        if let Some(url) = &s.url {
            service["endpoints"] = json!([url]);
        }
        service["properties"] = properties(props);
        services.push(service);
        depends.entry(assistant_ref(s.assistant.id())).or_default().push(reference);
    }

    let mut meta: Vec<(String, String)> = vec![
        ("tollgate:mcp-allowlist".into(), inv.mcp_allowlist.to_string()),
        ("tollgate:agent-hook".into(), inv.tollgate_agent_hook.to_string()),
    ];
    if let Some(c) = &inv.commits {
        meta.push(("tollgate:commits:range".into(), c.range.clone()));
        meta.push(("tollgate:commits:total".into(), c.commits.to_string()));
        meta.push(("tollgate:commits:ai".into(), c.ai_commits.to_string()));
        for (k, v) in &c.by_assistant {
            meta.push((format!("tollgate:commits:by-assistant:{k}"), v.to_string()));
        }
        for (k, v) in &c.by_path {
            meta.push((format!("tollgate:commits:by-path:{k}"), v.to_string()));
        }
        for (k, v) in &c.by_month {
            meta.push((format!("tollgate:commits:by-month:{k}"), v.to_string()));
        }
        let l = &c.lines;
        meta.push(("tollgate:lines:added".into(), l.added_lines.to_string()));
        meta.push(("tollgate:lines:agent".into(), l.agent_lines.to_string()));
        if let Some(share) = l.share {
            meta.push(("tollgate:lines:agent-share".into(), format!("{share:.4}")));
        }
        meta.push(("tollgate:lines:commits-with-record".into(), l.commits_with_record.to_string()));
        meta.push(("tollgate:lines:commits-without-record".into(), l.commits_without_record.to_string()));
    }

    let mut dependencies = vec![
        json!({ "ref": "repository", "dependsOn": inv.assistants.iter().map(|a| assistant_ref(a.id.id())).collect::<Vec<_>>() }),
    ];
    for (reference, on) in depends {
        dependencies.push(json!({ "ref": reference, "dependsOn": on }));
    }

    json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{uuid}"),
        "version": 1,
        "metadata": {
            "timestamp": timestamp,
            "tools": { "components": [{
                "type": "application",
                "name": "tollgate",
                "version": env!("CARGO_PKG_VERSION"),
            }]},
            "component": { "type": "application", "bom-ref": "repository", "name": subject },
            "properties": properties(meta),
        },
        "components": components,
        "services": services,
        "dependencies": dependencies,
    })
}

fn assistant_ref(id: &str) -> String {
    format!("assistant:{id}")
}

fn model_ref(m: &ModelEntry) -> String {
    format!("model:{}:{}:{}", m.assistant.id(), m.file, m.setting)
}

fn properties(pairs: Vec<(String, String)>) -> Value {
    Value::Array(pairs.into_iter().map(|(name, value)| json!({ "name": name, "value": value })).collect())
}

/// A random (version 4) UUID. The OS's generator, else the process's randomly keyed
/// hasher over the time and process id: unique enough for a serial number.
pub fn random_uuid() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        use std::hash::{BuildHasher, Hasher};
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        for (i, chunk) in bytes.chunks_mut(8).enumerate() {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(nanos);
            h.write_u32(std::process::id());
            h.write_usize(i);
            chunk.copy_from_slice(&h.finish().to_le_bytes());
        }
    }
    uuid_v4(bytes)
}

/// Formats 16 random bytes as a version 4, RFC 4122 variant UUID.
fn uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Assistant, AssistantKind, McpServerEntry};

    #[test]
    fn uuids_are_version_4_and_differ() {
        assert_eq!(uuid_v4([0xff; 16]), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let (a, b) = (random_uuid(), random_uuid());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
    }

    #[test]
    fn assistants_models_and_servers_land_where_cyclonedx_wants_them() {
        let inv = Inventory {
            assistants: vec![Assistant {
                id: AssistantKind::Cursor,
                name: "Cursor",
                files: vec![".cursor/mcp.json".into()],
            }],
            mcp_servers: vec![McpServerEntry {
                name: "docs".into(),
                assistant: AssistantKind::Cursor,
                file: ".cursor/mcp.json".into(),
                transport: "http".into(),
                command: None,
                package: None,
                pinned: None,
                url: Some("https://mcp.example.com/mcp".into()),
                allowed: Some(false),
            }],
            mcp_allowlist: true,
            models: vec![ModelEntry {
                name: "gpt-4o".into(),
                provider: Some("openai".into()),
                assistant: AssistantKind::Cursor,
                file: ".cursor/x.json".into(),
                setting: "model".into(),
            }],
            hooks: vec![],
            tollgate_agent_hook: false,
            commits: None,
            problems: vec![],
        };
        let doc = document(&inv, "repo", "00000000-0000-4000-8000-000000000000", "2026-01-01T00:00:00Z");
        assert_eq!(doc["specVersion"], "1.6");
        assert_eq!(doc["components"][0]["type"], "application");
        assert_eq!(doc["components"][1]["type"], "machine-learning-model");
        assert_eq!(doc["services"][0]["endpoints"][0], "https://mcp.example.com/mcp");
        let props = doc["services"][0]["properties"].as_array().unwrap();
        assert!(props.contains(&json!({"name": "tollgate:allowed", "value": "false"})));
        assert_eq!(
            doc["dependencies"][1],
            json!({"ref": "assistant:cursor", "dependsOn": ["model:cursor:.cursor/x.json:model", "mcp:cursor:.cursor/mcp.json:docs"]})
        );
    }
}
