use super::*;

#[test]
fn text_is_escaped_so_that_it_reads_back_exactly() {
    let hostile = "a<b>&\"c'\r\n\t\u{1}\u{7f}日本";
    let escaped = escape(hostile);
    assert_eq!(
        escaped,
        "a&lt;b&gt;&amp;&quot;c&apos;&#xD;&#xA;&#x9;&#x1;&#x7F;日本"
    );
    let root = parse(&format!("<K>{escaped}</K>")).unwrap();
    assert_eq!(root.text, hostile);
}

#[test]
fn a_complete_request_as_the_sdk_writes_it_is_read() {
    let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Part><ChecksumSHA256>q83v</ChecksumSHA256><ETag>&quot;abc&quot;</ETag><PartNumber>1</PartNumber></Part>
  <!-- a comment -->
  <s3:Part><ETag><![CDATA["def"]]></ETag><PartNumber>2</PartNumber></s3:Part>
  <Empty/>
</CompleteMultipartUpload>"#;
    let root = parse(body).unwrap();
    assert_eq!(root.name, "CompleteMultipartUpload");
    let parts: Vec<(Option<&str>, Option<&str>, Option<&str>)> = root
        .children("Part")
        .map(|part| {
            (
                part.child_text("PartNumber"),
                part.child_text("ETag"),
                part.child_text("ChecksumSHA256"),
            )
        })
        .collect();
    assert_eq!(
        parts,
        [
            (Some("1"), Some("\"abc\""), Some("q83v")),
            (Some("2"), Some("\"def\""), None)
        ]
    );
    assert_eq!(root.children("Empty").count(), 1);
}

#[test]
fn broken_documents_are_refused() {
    for body in [
        "",
        "<a>",
        "<a></b>",
        "<a/><b/>",
        "text",
        "<a>&bogus;</a>",
        "<a>&#xD800;</a>",
        "<a>&amp</a>",
        "</a>",
        "<a><!-- open</a>",
    ] {
        assert!(parse(body).is_err(), "{body:?} was read");
    }
}

#[test]
fn an_answer_is_one_document_in_s3s_namespace() {
    let mut xml = XmlWriter::document();
    xml.open_root("InitiateMultipartUploadResult");
    xml.element("Key", "a&b");
    xml.close("InitiateMultipartUploadResult");
    assert_eq!(
        xml.finish(),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<InitiateMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Key>a&amp;b</Key></InitiateMultipartUploadResult>"
    );
}
