<#
.SYNOPSIS
  Installs mail-settings-agent as a Windows service (WinSW 2.x) under the account that owns the MAPI profile.
.DESCRIPTION
  Run in an elevated PowerShell. Needs Node.js 26 or 24 LTS, or 20.19+ (64-bit, in %ProgramFiles%\nodejs)
  and WinSW-x64.exe 2.x (from WinSW's GitHub releases). Installs the agent into <InstallDir>\app with npm,
  puts the settings in <InstallDir>\config, the state (status.json, spool) in <InstallDir>\state, then registers the service;
  WinSW prompts for the account: give the one that owns the Outlook/MAPI profile (e.g. CONTOSO\svc-notify).
  NOT tested on Windows by the project's CI (which runs on Linux): see docs/deploy.md.
.EXAMPLE
  .\install-service.ps1 -WinSW C:\Downloads\WinSW-x64.exe -Settings .\mail-settings.yaml -Account CONTOSO\svc-notify
#>
[CmdletBinding()]
param(
  [Parameter(Mandatory)] [string] $WinSW,
  [Parameter(Mandatory)] [string] $Settings,
  [Parameter(Mandatory)] [string] $Account,
  [string] $InstallDir = (Join-Path $env:ProgramData 'mail-agent'),
  [string] $Package = 'mail-settings-agent'
)
$ErrorActionPreference = 'Stop'

$principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) { throw 'Run this in an elevated PowerShell.' }
$node = Join-Path $env:ProgramFiles 'nodejs\node.exe'
if (-not (Test-Path $node)) { throw "Node.js not found at $node (install the 64-bit Node.js 26 or 24 LTS)." }
if ((& $node -p 'process.arch') -ne 'x64') { throw 'A 64-bit Node.js is needed (the MAPI helper is 64-bit, as is Outlook).' }

foreach ($dir in 'app', 'config', 'state', 'logs') { New-Item -ItemType Directory -Force -Path (Join-Path $InstallDir $dir) | Out-Null }
& (Join-Path $env:ProgramFiles 'nodejs\npm.cmd') install --prefix (Join-Path $InstallDir 'app') --omit=dev $Package
if ($LASTEXITCODE -ne 0) { throw "npm install $Package failed." }
$bin = Join-Path $InstallDir 'app\node_modules\mail-settings-agent\dist\agent\cli\bin.js'

# Validate before anything is registered; the file keeps its own name as the agent's config.
$config = Join-Path $InstallDir 'config\mail-settings.yaml'
& $node $bin validate $Settings
if ($LASTEXITCODE -ne 0) { throw 'The settings file does not validate (see the lines above).' }
Copy-Item -Force $Settings $config

# The service account reads the settings and writes its state; others do not.
icacls (Join-Path $InstallDir 'config') /grant "${Account}:(OI)(CI)RX" | Out-Null
icacls (Join-Path $InstallDir 'state') /grant "${Account}:(OI)(CI)M" | Out-Null
icacls (Join-Path $InstallDir 'logs') /grant "${Account}:(OI)(CI)M" | Out-Null

$exe = Join-Path $InstallDir 'mail-agent-service.exe'
Copy-Item -Force $WinSW $exe
Copy-Item -Force (Join-Path $PSScriptRoot 'mail-agent-service.xml') (Join-Path $InstallDir 'mail-agent-service.xml')
Write-Host "WinSW asks for the service account now: enter $Account and its password."
& $exe install /p
if ($LASTEXITCODE -ne 0) { throw 'Registering the service failed.' }
& $exe start

& $node $bin status --status (Join-Path $InstallDir 'state\status.json') --wait --for-file $config --timeout 2m
exit $LASTEXITCODE
