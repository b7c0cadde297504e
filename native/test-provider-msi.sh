#!/bin/sh
# Builds a Windows Installer package that installs DLL and publishes it as a qualified component (the
# PublishComponent table), the way Outlook's MSI makes its MAPI DLL findable through the MSIComponentID of
# HKLM\Software\Clients\Mail\<client> ("Setting Up the MSI Keys for Your MAPI DLL"). Tests only.
# Needs msibuild (Debian msitools). Usage: native/test-provider-msi.sh OUT_DIR DLL
# Writes OUT_DIR/provider.msi and OUT_DIR/MAProv/provider.dll (the uncompressed source it installs from).
# Installed, the component's path is C:\Program Files\MAProv\provider.dll under qualifier 1033\NT.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 OUT_DIR DLL" >&2; exit 64; }
command -v msibuild >/dev/null || { echo "$0: msibuild not found (apt-get install msitools)" >&2; exit 2; }
out=$1
mkdir -p "$out/MAProv"
cp "$2" "$out/MAProv/provider.dll"
msi=$out/provider.msi
rm -f "$msi"
# Fixed GUIDs: the test registers the category GUID as the client's MSIComponentID.
category='{7E8F9A0B-1C2D-4E3F-8A4B-5C6D7E8F9A0B}'
msibuild "$msi" -s "Mail Agent Test Provider" "mail-agent" "x64;1033" "{6F3B1E52-8F0A-4B7E-9C11-5A2D3E4F6071}"
q() { msibuild "$msi" -q "$1"; }
row() { q "INSERT INTO \`$1\` ($2) VALUES ($3)"; }
q "CREATE TABLE \`Property\` (\`Property\` CHAR(72) NOT NULL, \`Value\` LONGCHAR NOT NULL PRIMARY KEY \`Property\`)"
for p in "ProductCode {1D2E3F40-5A6B-4C7D-8E9F-A0B1C2D3E4F5}" "ProductName Mail-Agent-Test-Provider" "ProductVersion 1.0.0" \
         "ProductLanguage 1033" "Manufacturer mail-agent" "ALLUSERS 1"; do
  set -- $p
  row Property "\`Property\`,\`Value\`" "'$1','$2'"
done
q "CREATE TABLE \`Directory\` (\`Directory\` CHAR(72) NOT NULL, \`Directory_Parent\` CHAR(72), \`DefaultDir\` CHAR(255) NOT NULL PRIMARY KEY \`Directory\`)"
row Directory "\`Directory\`,\`Directory_Parent\`,\`DefaultDir\`" "'TARGETDIR','','SourceDir'"
row Directory "\`Directory\`,\`Directory_Parent\`,\`DefaultDir\`" "'ProgramFiles64Folder','TARGETDIR','.'"
row Directory "\`Directory\`,\`Directory_Parent\`,\`DefaultDir\`" "'INSTALLDIR','ProgramFiles64Folder','MAProv'"
# Attributes 256: a 64-bit component; its key path is the DLL.
q "CREATE TABLE \`Component\` (\`Component\` CHAR(72) NOT NULL, \`ComponentId\` CHAR(38), \`Directory_\` CHAR(72) NOT NULL, \`Attributes\` SHORT NOT NULL, \`Condition\` CHAR(255), \`KeyPath\` CHAR(72) PRIMARY KEY \`Component\`)"
row Component "\`Component\`,\`ComponentId\`,\`Directory_\`,\`Attributes\`,\`Condition\`,\`KeyPath\`" "'Provider','{2A3B4C5D-6E7F-4081-92A3-B4C5D6E7F809}','INSTALLDIR',256,'','provider.dll'"
q "CREATE TABLE \`Feature\` (\`Feature\` CHAR(38) NOT NULL, \`Feature_Parent\` CHAR(38), \`Title\` CHAR(64), \`Description\` CHAR(255), \`Display\` SHORT, \`Level\` SHORT NOT NULL, \`Directory_\` CHAR(72), \`Attributes\` SHORT NOT NULL PRIMARY KEY \`Feature\`)"
row Feature "\`Feature\`,\`Feature_Parent\`,\`Title\`,\`Description\`,\`Display\`,\`Level\`,\`Directory_\`,\`Attributes\`" "'MAPI','','MAPI','',0,1,'INSTALLDIR',0"
q "CREATE TABLE \`FeatureComponents\` (\`Feature_\` CHAR(38) NOT NULL, \`Component_\` CHAR(72) NOT NULL PRIMARY KEY \`Feature_\`, \`Component_\`)"
row FeatureComponents "\`Feature_\`,\`Component_\`" "'MAPI','Provider'"
q "CREATE TABLE \`File\` (\`File\` CHAR(72) NOT NULL, \`Component_\` CHAR(72) NOT NULL, \`FileName\` CHAR(255) NOT NULL, \`FileSize\` LONG NOT NULL, \`Version\` CHAR(72), \`Language\` CHAR(20), \`Attributes\` SHORT, \`Sequence\` SHORT NOT NULL PRIMARY KEY \`File\`)"
row File "\`File\`,\`Component_\`,\`FileName\`,\`FileSize\`,\`Version\`,\`Language\`,\`Attributes\`,\`Sequence\`" "'provider.dll','Provider','provider.dll',$(stat -c %s "$out/MAProv/provider.dll"),'','',0,1"
# No cabinet: the summary's source type 0 means uncompressed files beside the package (MAProv/provider.dll).
q "CREATE TABLE \`Media\` (\`DiskId\` SHORT NOT NULL, \`LastSequence\` SHORT NOT NULL, \`DiskPrompt\` CHAR(64), \`Cabinet\` CHAR(255), \`VolumeLabel\` CHAR(32), \`Source\` CHAR(72) PRIMARY KEY \`DiskId\`)"
row Media "\`DiskId\`,\`LastSequence\`,\`DiskPrompt\`,\`Cabinet\`,\`VolumeLabel\`,\`Source\`" "1,1,'','','',''"
q "CREATE TABLE \`PublishComponent\` (\`ComponentId\` CHAR(38) NOT NULL, \`Qualifier\` CHAR(255) NOT NULL, \`Component_\` CHAR(72) NOT NULL, \`AppData\` LONGCHAR, \`Feature_\` CHAR(38) NOT NULL PRIMARY KEY \`ComponentId\`, \`Qualifier\`, \`Component_\`)"
row PublishComponent "\`ComponentId\`,\`Qualifier\`,\`Component_\`,\`AppData\`,\`Feature_\`" "'$category','1033\\NT','Provider','','MAPI'"
q "CREATE TABLE \`InstallExecuteSequence\` (\`Action\` CHAR(72) NOT NULL, \`Condition\` CHAR(255), \`Sequence\` SHORT PRIMARY KEY \`Action\`)"
for a in "CostInitialize 800" "FileCost 900" "CostFinalize 1000" "InstallValidate 1400" "InstallInitialize 1500" "ProcessComponents 1600" \
         "InstallFiles 4000" "RegisterProduct 6100" "PublishComponents 6200" "PublishFeatures 6300" "PublishProduct 6400" "InstallFinalize 6600"; do
  set -- $a
  row InstallExecuteSequence "\`Action\`,\`Condition\`,\`Sequence\`" "'$1','',$2"
done
echo "$msi"
