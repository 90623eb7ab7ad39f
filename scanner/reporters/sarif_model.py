"""The SARIF objects rolecall writes, as sarif-om models them, without importing sarif-om.

sarif-om defines every SARIF 2.1.0 object as an attrs class. Importing it builds all 53
of them (and imports attrs): about 60 ms of CPU, a third of a SARIF scan of a handful
of files, for the 21 classes the reporter uses. Each of those is listed here with its
SARIF property names in sarif-om's attribute order; sarif-om's attribute names are the
property names in snake case (``$schema`` is ``schema_uri``). :func:`~rolecall.reporters.
sarif_json.om` builds an object of one of these as plain data, ordered and written
exactly as the sarif-om object would be, and ``tests/test_sarif_model.py`` holds every
class here to sarif-om's own definition and the reporter's output to what it writes
with sarif-om's classes.
"""

from __future__ import annotations

from typing import Any

#: A SARIF object built by ``om``: its properties as plain data, in the order written.
SarifObject = dict[str, Any]

_RENAMED = {"$schema": "schema_uri"}


def attribute_name(prop: str) -> str:
    """sarif-om's attribute name for SARIF property ``prop``."""
    renamed = _RENAMED.get(prop)
    if renamed is not None:
        return renamed
    return "".join("_" + c.lower() if c.isupper() and n else c for n, c in enumerate(prop))


class SarifClass:
    """One sarif-om class: its name and its SARIF property names in sarif-om's order.

    A plain class, its pairs made on first use: this module is imported by every SARIF
    scan, and a dataclass or a regular expression per property cost more than the
    scan of a small file.
    """

    __slots__ = ("_fields", "name", "properties")

    def __init__(self, name: str, properties: str) -> None:
        self.name = name
        self.properties = properties  # space-separated, in sarif-om's order
        self._fields: tuple[tuple[str, str], ...] | None = None

    @property
    def fields(self) -> tuple[tuple[str, str], ...]:
        """(sarif-om attribute, SARIF property) pairs, in sarif-om's order."""
        if self._fields is None:
            self._fields = tuple((attribute_name(p), p) for p in self.properties.split())
        return self._fields

    def __repr__(self) -> str:
        return f"SarifClass({self.name!r})"


ArtifactChange = SarifClass("ArtifactChange", "artifactLocation replacements properties")
ArtifactContent = SarifClass("ArtifactContent", "binary properties rendered text")
ArtifactLocation = SarifClass("ArtifactLocation", "description index properties uri uriBaseId")
Fix = SarifClass("Fix", "artifactChanges description properties")
Invocation = SarifClass(
    "Invocation",
    "executionSuccessful account arguments commandLine endTimeUtc "
    "environmentVariables executableLocation exitCode exitCodeDescription "
    "exitSignalName exitSignalNumber machine notificationConfigurationOverrides "
    "processId processStartFailureMessage properties responseFiles "
    "ruleConfigurationOverrides startTimeUtc stderr stdin stdout stdoutStderr "
    "toolConfigurationNotifications toolExecutionNotifications workingDirectory",
)
Location = SarifClass(
    "Location", "annotations id logicalLocations message physicalLocation properties relationships"
)
Message = SarifClass("Message", "arguments id markdown properties text")
MultiformatMessageString = SarifClass("MultiformatMessageString", "text markdown properties")
Notification = SarifClass(
    "Notification",
    "message associatedRule descriptor exception level locations properties threadId timeUtc",
)
PhysicalLocation = SarifClass(
    "PhysicalLocation", "address artifactLocation contextRegion properties region"
)
Region = SarifClass(
    "Region",
    "byteLength byteOffset charLength charOffset endColumn endLine message properties "
    "snippet sourceLanguage startColumn startLine",
)
Replacement = SarifClass("Replacement", "deletedRegion insertedContent properties")
ReportingConfiguration = SarifClass(
    "ReportingConfiguration", "enabled level parameters properties rank"
)
ReportingDescriptor = SarifClass(
    "ReportingDescriptor",
    "id defaultConfiguration deprecatedGuids deprecatedIds deprecatedNames "
    "fullDescription guid help helpUri messageStrings name properties relationships "
    "shortDescription",
)
ReportingDescriptorReference = SarifClass(
    "ReportingDescriptorReference", "guid id index properties toolComponent"
)
Result = SarifClass(
    "Result",
    "message analysisTarget attachments baselineState codeFlows correlationGuid "
    "fingerprints fixes graphTraversals graphs guid hostedViewerUri kind level "
    "locations occurrenceCount partialFingerprints properties provenance rank "
    "relatedLocations rule ruleId ruleIndex stacks suppressions taxa webRequest "
    "webResponse workItemUris",
)
Run = SarifClass(
    "Run",
    "tool addresses artifacts automationDetails baselineGuid columnKind conversion "
    "defaultEncoding defaultSourceLanguage externalPropertyFileReferences graphs "
    "invocations language logicalLocations newlineSequences originalUriBaseIds "
    "policies properties redactionTokens results runAggregates specialLocations "
    "taxonomies threadFlowLocations translations versionControlProvenance webRequests "
    "webResponses",
)
RunAutomationDetails = SarifClass(
    "RunAutomationDetails", "correlationGuid description guid id properties"
)
SarifLog = SarifClass("SarifLog", "runs version $schema inlineExternalProperties properties")
Tool = SarifClass("Tool", "driver extensions properties")
ToolComponent = SarifClass(
    "ToolComponent",
    "name associatedComponent contents dottedQuadFileVersion downloadUri "
    "fullDescription fullName globalMessageStrings guid informationUri "
    "isComprehensive language localizedDataSemanticVersion locations "
    "minimumRequiredLocalizedDataSemanticVersion notifications organization product "
    "productSuite properties releaseDateUtc rules semanticVersion shortDescription "
    "supportedTaxonomies taxa translationMetadata version",
)
