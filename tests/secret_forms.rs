//! The forms credentials take in real files, end to end: each is staged in a real
//! repository and must block `pre-commit`, reported at its own line; the same forms with
//! a reference or a placeholder instead of a value must not. Values are made up, of
//! realistic shape, and generated here so that this file holds none of them.

mod common;

use std::collections::BTreeMap;

use common::*;

/// A made-up password of `len` characters from all four classes, different for each
/// `seed` (a small linear congruential generator: deterministic, no literal here).
fn password(seed: u64, len: usize) -> String {
    const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGIT: &[u8] = b"23456789";
    const MARK: &[u8] = b"#%!*";
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut out = String::new();
    for i in 0..len {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let pick = (state >> 33) as usize;
        let class = match i % 7 {
            0 | 3 => UPPER,
            1 | 4 | 6 => LOWER,
            2 => DIGIT,
            _ => {
                if i == 5 {
                    MARK
                } else {
                    LOWER
                }
            }
        };
        out.push(class[pick % class.len()] as char);
    }
    out
}

/// An alphanumeric token of `len` characters (for token and key slots).
fn token(seed: u64, len: usize) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut state = seed ^ 0x9e37_79b9_7f4a_7c15;
    (0..len)
        .map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ALNUM[(state >> 33) as usize % ALNUM.len()] as char
        })
        .collect()
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A PEM private key body: `lines` lines of 64 base64 characters, made up.
fn key_body(seed: u64, lines: usize) -> Vec<String> {
    let raw: Vec<u8> = token(seed, lines * 48).into_bytes().iter().map(|b| b.wrapping_mul(31)).collect();
    base64(&raw).as_bytes().chunks(64).map(|c| String::from_utf8(c.to_vec()).unwrap()).collect()
}

/// Every form: (path, content, the line the finding must be on).
fn forms() -> Vec<(String, String, u32)> {
    let p = |seed| password(seed, 14);
    let begin = ["-----BEGIN ", "RSA PRIVATE KEY-----"].concat();
    let end = ["-----END ", "RSA PRIVATE KEY-----"].concat();
    let body = key_body(7, 12);
    let at = "@";
    let mut forms = vec![
        // Command lines and scripts.
        ("ci/deploy.sh", format!("#!/bin/sh\ncurl -u deploy:{} https://api.acme-corp.io/v2/releases\n", p(1)), 2),
        ("ci/upload.sh", format!("curl --user 'ci-bot:{}' -T build.tgz https://files.acme-corp.io/\n", p(2)), 1),
        ("ci/token.sh", format!("curl -H \"Authorization: Token {}\" https://api.acme-corp.io\n", token(3, 40)), 1),
        ("ci/apikey.sh", format!("curl -s -H 'X-Api-Key: {}' https://metrics.acme-corp.io/q\n", token(4, 32)), 1),
        ("ci/fetch.sh", format!("wget --user=ops --password={} https://mirror.acme-corp.io/a.tgz\n", p(5)), 1),
        ("ci/db.sh", format!("mysql -u reporting -p{} -h db01.acme-corp.io orders\n", p(6)), 1),
        ("ci/ssh.sh", format!("sshpass -p '{}' ssh ops{at}bastion.acme-corp.io\n", p(7)), 1),
        ("ci/remote.bat", format!("psexec \\\\fileserver -u ACME\\svc -p {} cmd /c dir\r\n", p(8)), 1),
        ("ci/secure.ps1", format!("$pw = ConvertTo-SecureString \"{}\" -AsPlainText -Force\n", p(9)), 1),
        // Calls and literals.
        ("src/Mail.cs", format!("var creds = new NetworkCredential(\"mailer\", \"{}\");\n", p(10)), 1),
        ("src/ftp.py", format!("ftp = FTP('ftp.acme-corp.io')\nftp.login('uploader', '{}')\n", p(11)), 2),
        ("src/api.py", format!("r = requests.get(url, auth=('svc-reports', '{}'))\n", p(12)), 1),
        ("config/app.rb", format!("Client.new(:user => 'ops', :password => '{}')\n", p(13)), 1),
        ("src/check.js", format!("function ok(p) {{\n  if (password === \"{}\") return true;\n}}\n", p(14)), 2),
        (
            "build.gradle",
            format!("repositories {{\n  maven {{\n    credentials {{\n      username 'deployer'\n      password '{}'\n    }}\n  }}\n}}\n", p(15)),
            5,
        ),
        ("src/main/resources/app.properties", format!("db.user=orders\ndb.password={}\n", p(16)), 2),
        ("deploy/settings.ini", format!("[database]\nhost = db01\npassword = {}\n", p(17)), 3),
        (
            "nuget.config",
            format!(
                "<configuration>\n  <packageSourceCredentials>\n    <Acme>\n      <add key=\"Username\" value=\"ci\" />\n      <add key=\"ClearTextPassword\" value=\"{}\" />\n    </Acme>\n  </packageSourceCredentials>\n</configuration>\n",
                p(18)
            ),
            5,
        ),
        (
            "settings.xml",
            format!("<settings>\n  <servers>\n    <server>\n      <id>releases</id>\n      <password>{}</password>\n    </server>\n  </servers>\n</settings>\n", p(19)),
            5,
        ),
        (
            "web.config",
            format!(
                "<connectionStrings>\n  <add name=\"Shop\" connectionString=\"Server=sql01;Database=shop;User Id=app;Password={};\" />\n</connectionStrings>\n",
                p(20)
            ),
            2,
        ),
        ("config/services.yml", format!("payments:\n  provider: acme\n  secret: {}\n", token(21, 32)), 3),
        // Connection strings and URLs, local hosts included.
        ("config/db.env", format!("DATABASE_URL=postgres://app:{}{at}localhost:5432/app\n", p(22)), 1),
        ("config/mysql.txt", format!("mysql://root:{}{at}127.0.0.1:3306/shop\n", p(23)), 1),
        ("config/mongo.js", format!("const uri = \"mongodb+srv://svc:{}{at}cluster0.acme-corp.io/app\";\n", p(24)), 1),
        ("config/cache.py", format!("REDIS = 'redis://:{}{at}cache.internal:6379/0'\n", p(25)), 1),
        ("config/queue.yaml", format!("broker: amqp://orders:{}{at}rabbit:5672/vhost\n", p(26)), 1),
        ("config/odbc.ini", format!("conn = Driver={{ODBC Driver 18}};Server=sql01;Uid=etl;Pwd={};\n", p(27)), 1),
        (
            "src/Db.java",
            format!("String url = \"jdbc:postgresql://db01:5432/hr?user=hr&password={}\";\n", p(28)),
            1,
        ),
        ("ci/mirror.sh", format!("lftp ftp://mirror:{}{at}ftp.acme-corp.io/pub\n", p(29)), 1),
        ("config/mail.env", format!("SMTP_URL=smtp://alerts:{}{at}smtp.acme-corp.io:587\n", p(30)), 1),
        ("config/ldap.conf", format!("uri ldap://cn=admin:{}{at}ldap.acme-corp.io\n", p(31)), 1),
        // Private keys in their wrappings.
        ("keys/deploy.pem", format!("{begin}\n{}\n{end}\n", body.join("\n")), 1),
        (
            "src/keys.js",
            format!(
                "const key =\n  \"{begin}\\n\" +\n{}  \"{end}\\n\";\n",
                body.iter().map(|l| format!("  \"{l}\\n\" +\n")).collect::<String>()
            ),
            2,
        ),
        (
            "service-account.json",
            format!("{{\n  \"type\": \"service_account\",\n  \"private_key\": \"{begin}\\n{}\\n{end}\\n\"\n}}\n", body.join("\\n")),
            3,
        ),
        // Prose.
        ("docs/setup.md", format!("# Staging\n\nThe admin password is `{}` until we rotate it.\n", p(32)), 3),
        // Weak passwords in a password slot are still passwords.
        ("src/settings.py", ["DB_PASSWORD = \"Summer", "2024!\"\n"].concat(), 1),
    ]
    .into_iter()
    .map(|(path, content, line)| (path.to_string(), content, line))
    .collect::<Vec<_>>();

    // Encoded forms: a Kubernetes Secret's base64 data and stringData, a registry's
    // auth, a Basic header.
    forms.push((
        "k8s/secret.yaml".into(),
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  username: {}\n  password: {}\n",
            base64(b"orders"),
            base64(p(33).as_bytes())
        ),
        8,
    ));
    forms.push((
        "k8s/string-secret.yaml".into(),
        format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\nstringData:\n  API_TOKEN: {}\n", token(34, 32)),
        6,
    ));
    forms.push((
        ".docker/config.json".into(),
        format!(
            "{{\n  \"auths\": {{\n    \"registry.acme-corp.io\": {{\n      \"auth\": \"{}\"\n    }}\n  }}\n}}\n",
            base64(format!("ci:{}", p(35)).as_bytes())
        ),
        4,
    ));
    forms.push((
        "ci/basic.sh".into(),
        format!(
            "curl -H 'Authorization: Basic {}' https://ci.acme-corp.io/api\n",
            base64(format!("deploy:{}", p(36)).as_bytes())
        ),
        1,
    ));
    forms
}

/// The same forms with a reference, a placeholder or nothing where the value was.
fn benign_forms() -> Vec<(&'static str, String)> {
    vec![
        ("ci/deploy.sh", "curl -u deploy:$DEPLOY_PASSWORD https://api.acme-corp.io/v2/releases\n".into()),
        ("ci/db.sh", "mysql -u reporting -p\"$MYSQL_PWD\" -h db01 orders\n".into()),
        ("ci/secure.ps1", "$pw = ConvertTo-SecureString $env:SVC_PASSWORD -AsPlainText -Force\n".into()),
        (
            "src/Mail.cs",
            "var creds = new NetworkCredential(user, Environment.GetEnvironmentVariable(\"MAIL_PW\"));\n".into(),
        ),
        ("src/api.py", "r = requests.get(url, auth=(user, os.environ['API_PASSWORD']))\n".into()),
        ("config/db.env", "DATABASE_URL=postgres://app:${DB_PASSWORD}@localhost:5432/app\n".into()),
        ("config/mongo.js", "const uri = `mongodb+srv://svc:${process.env.MONGO_PW}@cluster0/app`;\n".into()),
        ("config/example.env", "DATABASE_URL=postgres://user:password@localhost:5432/app\n".into()),
        (
            "settings.xml",
            "<settings><servers><server><password>${env.REPO_PASSWORD}</password></server></servers></settings>\n"
                .into(),
        ),
        ("docs/setup.md", "Set the admin password in the environment; never write the password here.\n".into()),
        ("src/settings.py", "DB_PASSWORD = \"changeme\"\nPASSWORD_MIN_LENGTH = 12\n".into()),
        (
            "k8s/secret.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  username: b3JkZXJz\n".into(),
        ),
    ]
}

fn findings_by_path(out: &std::process::Output) -> BTreeMap<String, Vec<(String, u64)>> {
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", text(&out.stdout), text(&out.stderr)));
    let mut by_path: BTreeMap<String, Vec<(String, u64)>> = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        by_path
            .entry(f["path"].as_str().unwrap_or("").to_string())
            .or_default()
            .push((f["rule"].as_str().unwrap().to_string(), f["line"].as_u64().unwrap_or(0)));
    }
    by_path
}

#[test]
fn every_form_blocks_a_real_commit_at_its_line() {
    let repo = Repo::new();
    repo.write("README.md", "forms\n");
    repo.commit_all("init");
    let forms = forms();
    for (path, content, _) in &forms {
        repo.write(path, content);
    }
    repo.git(&["add", "-A"]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let found = findings_by_path(&out);
    let mut missed = Vec::new();
    for (path, content, line) in &forms {
        match found.get(path) {
            Some(hits) if hits.iter().any(|(_, l)| *l == u64::from(*line)) => {}
            Some(hits) => missed.push(format!("{path}: expected line {line}, found {hits:?}")),
            None => missed.push(format!("{path}: nothing found in\n{content}")),
        }
    }
    assert!(missed.is_empty(), "{} of {} forms missed:\n{}", missed.len(), forms.len(), missed.join("\n"));
    for (_, content, _) in &forms {
        for seed in 1..=36 {
            let p = password(seed, 14);
            if content.contains(&p) {
                assert_no_secret(&out, &p);
            }
        }
    }
}

#[test]
fn the_same_forms_without_a_value_pass() {
    let repo = Repo::new();
    repo.write("README.md", "forms\n");
    repo.commit_all("init");
    for (path, content) in benign_forms() {
        repo.write(path, content);
    }
    repo.git(&["add", "-A"]);
    let out = repo.run("tollgate-secrets", &["pre-commit", "--format", "json"]);
    let found = findings_by_path(&out);
    assert!(found.is_empty(), "benign forms reported: {found:#?}");
    assert_eq!(out.status.code(), Some(0));
}
